"""Admin of report review: reports needing review first, code corrections audited, bulk confirmation."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import connection
from django.db.models import Case, Count, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.http import HttpRequest

from accounts.models import User
from extraction.engine.grammar import PLT_CODE_RE, normalize_acs_code
from extraction.models import CodeCorrection, Report, ReportCode
from extraction.reports.services import report_correct_codes, reports_mark_reviewed

# ---------------------------------------------------------------------------------------------
# Report review. Reports needing review (the engine's ``review``, with its reasons) come first.
# Staff see the engine's result, why it doubted it, the raw text of each code and the unresolved
# tokens; there is no document to show, and the applicant's name, FTN, exam id and site are left
# out on purpose. Code changes go through ``report_correct_codes`` so each one is audited in
# CodeCorrection.
# ---------------------------------------------------------------------------------------------


class ReviewReasonFilter(admin.SimpleListFilter):
    """Reports whose review reasons include one reason (e.g. ``field_missing:score``).

    The choices are the reasons present in the table, read in one query over the distinct
    lists. Membership uses JSON containment where the database has it (PostgreSQL) and a match
    on the stored JSON text of the quoted reason elsewhere (SQLite), which is exact because
    reasons are plain identifiers without quotes or escapes.
    """

    title = "review reason"
    parameter_name = "review_reason"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        lists = Report.objects.order_by().values_list("review_reasons", flat=True).distinct()
        reasons = {str(reason) for reasons in lists if isinstance(reasons, list) for reason in reasons}
        return [(reason, reason) for reason in sorted(reasons)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Report]) -> QuerySet[Report]:
        reason = self.value()
        return reports_with_reason(queryset, reason) if reason else queryset


def reports_with_reason(queryset: QuerySet[Report], reason: str) -> QuerySet[Report]:
    """The reports of ``queryset`` whose ``review_reasons`` list holds ``reason``."""
    if connection.features.supports_json_field_contains:
        return queryset.filter(review_reasons__contains=[reason])
    as_text = Cast("review_reasons", TextField())
    return queryset.alias(reasons_text=as_text).filter(reasons_text__contains=json.dumps(reason))


class _ReadOnlyInline(admin.TabularInline):
    """Rows the review shows but never edits: codes change only through ``report_correct_codes``."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Report | None = None) -> bool:
        return False


class ReportCodeInline(_ReadOnlyInline):
    model = ReportCode
    fields = readonly_fields = ("position", "code", "raw", "confidence", "element")
    ordering = ["position"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReportCode]:
        return super().get_queryset(request).select_related("element")


class CodeCorrectionInline(_ReadOnlyInline):
    model = CodeCorrection
    fields = readonly_fields = ("created_at", "user", "before", "after")

    def get_queryset(self, request: HttpRequest) -> QuerySet[CodeCorrection]:
        return super().get_queryset(request).select_related("user")


class ReportReviewForm(forms.ModelForm):
    corrected_codes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6, "cols": 30}),
        required=False,
        help_text="One code per line (or comma separated), e.g. PA.I.C.K2a or PLT058. Saving a "
        "different list replaces the report's codes and records the correction.",
    )

    class Meta:
        model = Report
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            codes = self.instance.codes.order_by("position").values_list("code", flat=True)
            self.fields["corrected_codes"].initial = "\n".join(codes)

    def clean_corrected_codes(self) -> list[str]:
        raw = re.split(r"[\s,;]+", self.cleaned_data.get("corrected_codes") or "")
        codes: list[str] = []
        invalid: list[str] = []
        for token in filter(None, raw):
            code = token.upper() if PLT_CODE_RE.match(token.upper()) else normalize_acs_code(token)
            if code is None:
                invalid.append(token)
            elif code not in codes:
                codes.append(code)
        if invalid:
            raise forms.ValidationError("Not an ACS or PLT code: " + ", ".join(invalid))
        return codes


# The applicant's name, FTN, exam id and site are not among them (see above).
_RESULT_FIELDS = (
    "id",
    "exam_code",
    "exam_title",
    "exam_date",
    "score",
    "grade",
    "take",
    "expiration_date",
    "code_kind",
    "field_confidence",
)
_PROCESSING_FIELDS = (
    "source_format",
    "extraction_path",
    "engine_version",
    "processing_ms",
    "third_party_recipient",
    "owned",
    "expires_at",
    "created_at",
    "updated_at",
)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    form = ReportReviewForm
    list_display = [
        "short_id",
        "status",
        "exam_code",
        "exam_date",
        "score",
        "confidence",
        "reasons",
        "code_count",
        "created_at",
    ]
    list_filter = [
        "status",
        ReviewReasonFilter,
        "exam_code",
        ("exam_date", admin.DateFieldListFilter),
        "source_format",
    ]
    search_fields = ["exam_code", "codes__code"]
    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False
    readonly_fields = [
        "status",
        "reasons",
        "confidence",
        "unresolved",
        *_RESULT_FIELDS,
        *_PROCESSING_FIELDS,
    ]
    fieldsets = [
        ("Review", {"fields": ["status", "reasons", "confidence", "unresolved", "corrected_codes"]}),
        ("Result", {"fields": _RESULT_FIELDS}),
        ("Processing", {"fields": _PROCESSING_FIELDS}),
    ]
    inlines = [ReportCodeInline, CodeCorrectionInline]
    actions = ["mark_reviewed"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return super().get_queryset(request).annotate(code_total=Count("codes"))

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        review_first = Case(When(status=Report.Status.NEEDS_REVIEW, then=Value(0)), default=Value(1))
        return [review_first.asc(), "-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="id")
    def short_id(self, obj: Report) -> str:
        return str(obj.pk)[:8]

    @admin.display(description="review reasons")
    def reasons(self, obj: Report) -> str:
        """The engine's reasons, one comma-separated line; they stay once staff have confirmed."""
        return ", ".join(obj.review_reasons) or "-"

    @admin.display(description="codes", ordering="code_total")
    def code_count(self, obj: Report) -> int:
        return int(getattr(obj, "code_total", 0))

    @admin.display(description="owned", boolean=True)
    def owned(self, obj: Report) -> bool:
        return obj.owner_id is not None

    def save_model(self, request: HttpRequest, obj: Report, form: forms.ModelForm, change: bool) -> None:
        codes = form.cleaned_data.get("corrected_codes", [])
        assert isinstance(request.user, User)
        report_correct_codes(report=obj, user=request.user, codes=codes)

    @admin.action(
        description="Mark the selected reports reviewed (codes as they are)", permissions=["change"]
    )
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[Report]) -> None:
        assert isinstance(request.user, User)
        selected = queryset.count()
        confirmed = reports_mark_reviewed(reports=queryset, user=request.user)
        self.message_user(
            request,
            f"{confirmed} report(s) marked reviewed; "
            f"{selected - confirmed} of those selected needed no review.",
            messages.SUCCESS,
        )


@admin.register(CodeCorrection)
class CodeCorrectionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "report", "user", "before", "after"]
    list_select_related = ["report", "user"]
    readonly_fields = ["report", "user", "before", "after", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CodeCorrection | None = None) -> bool:
        return False
