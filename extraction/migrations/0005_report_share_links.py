"""Share links become the owner's to hand out.

Every report used to carry a permanent token, shown to instructors too. Owned reports lose theirs
(their owners make a new link when they want one); an anonymous result keeps its link until the
result itself expires.
"""

from django.db import migrations, models
from django.db.models import F


def end_permanent_links(apps, schema_editor):
    Report = apps.get_model("extraction", "Report")
    reports = Report.objects.using(schema_editor.connection.alias)
    reports.filter(owner__isnull=False).update(share_token=None, share_expires_at=None)
    reports.filter(owner__isnull=True).update(share_expires_at=F("expires_at"))


class Migration(migrations.Migration):

    dependencies = [
        ('extraction', '0004_catalog_version_trigram_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='report',
            name='share_expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='report',
            name='share_token',
            field=models.CharField(blank=True, default=None, editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(end_permanent_links, migrations.RunPython.noop, elidable=True),
    ]
