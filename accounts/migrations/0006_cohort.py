from pathlib import Path

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Plans and quotas are being added beside cohorts under the number 0006; while their migration is
# not in the tree, cohorts follow the invitations directly, and once it is, they follow it, so the
# graph has one leaf either way. Replace by a plain dependency when both are in.
_AFTER = (
    "0006_plans_quotas"
    if Path(__file__).with_name("0006_plans_quotas.py").exists()
    else "0005_invitations_links"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", _AFTER),
    ]

    operations = [
        migrations.CreateModel(
            name="Cohort",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cohorts",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "students",
                    models.ManyToManyField(
                        blank=True, related_name="cohort_memberships", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["owner", "name"], name="accounts_co_owner_i_86dac8_idx")],
            },
        ),
    ]
