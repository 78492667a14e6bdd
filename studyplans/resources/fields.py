"""The columns of a study resource in files and forms, named once for the starter rows, the CSV
import and export, and the admin."""

# The editable columns of a study resource.
RESOURCE_FIELDS = (
    "element_code",
    "publication",
    "publication_title",
    "chapter",
    "title",
    "url",
    "estimated_minutes",
    "position",
)
# The import format: a starter row, or a row of a CSV staff edit.
CSV_FIELDS = ["key", "prefix", "area", "task", "area_title", "task_title", *RESOURCE_FIELDS]
# The export format: the import format with the database id and the curated flag.
EXPORT_FIELDS = ["id", *CSV_FIELDS, "curated"]
