"""The period report of a unit: on screen, and downloaded as PDF, XLSX or CSV (audited)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pressroom.analytics import documents, report
from pressroom.analytics.display import ChartBlock, number_text
from pressroom.analytics.documents.model import Language
from pressroom.analytics.documents.wording import cell_text
from pressroom.analytics.period_params import params_of, period_from
from pressroom.audit.actions import record_event
from pressroom.audit.kinds import Kind
from pressroom.core.http import AuthenticatedHttpRequest
from pressroom.orgs.access import get_unit_for
from pressroom.orgs.models import Capability

KINDS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


PERIOD_KINDS = (
    ("month", gettext_lazy("Month")),
    ("quarter", gettext_lazy("Quarter")),
    ("year", gettext_lazy("Year")),
    ("custom", gettext_lazy("From … to …")),
)


class FilingForm(forms.Form):
    """What the person filing the report adds; everything optional."""

    number = forms.CharField(
        label=gettext_lazy("Number"), max_length=40, required=False, initial="…/BC-…"
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=100, required=False)
    signer_position = forms.CharField(
        label=gettext_lazy("Signer's position"), max_length=100, required=False
    )
    signer_name = forms.CharField(
        label=gettext_lazy("Signer's name"), max_length=100, required=False
    )
    recipients = forms.CharField(
        label=gettext_lazy("Recipients (one per line)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def filing(self) -> report.Filing:
        data = self.cleaned_data if self.is_valid() else {}
        recipients = tuple(
            line.strip() for line in str(data.get("recipients", "")).splitlines() if line.strip()
        )
        return report.Filing(
            number=data.get("number") or "…/BC-…",
            place=data.get("place", ""),
            signer_position=data.get("signer_position", ""),
            signer_name=data.get("signer_name", ""),
            recipients=recipients,
        )


COLUMN_NAMES = {
    "day": gettext_lazy("Day"),
    "measure": gettext_lazy("Figure"),
    "value": gettext_lazy("Value"),
    "label": gettext_lazy("Name"),
}


def chart_blocks(document: documents.ReportDocument) -> list[ChartBlock]:
    """The report's charts for the screen, each with its numbers as a table."""
    blocks = []
    for chart in document.charts:
        values = chart.spec.get("data", {}).get("values", [])
        keys = tuple(values[0]) if values else ()
        rows = [
            tuple(
                number_text(value[key]) if isinstance(value[key], int | float) else str(value[key])
                for key in keys
            )
            for value in values
        ]
        blocks.append(
            ChartBlock(
                key=f"report-{chart.key}",
                title=chart.title,
                spec=chart.spec,
                columns=tuple(str(COLUMN_NAMES.get(key, key)) for key in keys),
                rows=rows,
            )
        )
    return blocks


def language() -> Language:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _cells(table: documents.Table, lang: Language) -> list[list[str]]:
    return [
        [
            cell_text(value, column.kind, lang)
            for value, column in zip(row, table.columns, strict=False)
        ]
        for row in table.rows
    ]


@login_required
@require_GET
def report_page(request: AuthenticatedHttpRequest, unit_id: int) -> HttpResponse:
    unit, _capabilities = get_unit_for(request, unit_id)
    period, problem = period_from(request.GET)
    form = FilingForm(request.GET or None)
    lang = language()
    document = report.build(unit, period, language=lang, filing=form.filing())
    query = QueryDict(mutable=True)
    query.update(params_of(period))
    for name in FilingForm.base_fields:
        if request.GET.get(name):
            query[name] = request.GET[name]
    tables: list[dict[str, Any]] = [
        {
            "table": table,
            "rows": _cells(table, lang),
            "total": (
                [
                    cell_text(value, column.kind, lang)
                    for value, column in zip(table.total, table.columns, strict=False)
                ]
                if table.total
                else None
            ),
            "numeric": [column.kind != "text" for column in table.columns],
        }
        for table in document.tables
    ]
    return render(
        request,
        "analytics/report.html",
        {
            "unit": unit,
            "period": period,
            "period_params": params_of(period),
            "problem": problem,
            "document": document,
            "tables": tables,
            "charts": chart_blocks(document),
            "form": form,
            "query": query.urlencode(),
            "can_schedule": Capability.MANAGE in _capabilities,
            "period_kinds": PERIOD_KINDS,
        },
    )


@login_required
@require_GET
def report_download(request: AuthenticatedHttpRequest, unit_id: int, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404
    unit, _capabilities = get_unit_for(request, unit_id)
    period, _problem = period_from(request.GET)
    lang = language()
    document = report.build(unit, period, language=lang, filing=FilingForm(request.GET).filing())
    try:
        if kind == "pdf":
            content = documents.render_pdf(document)
        elif kind == "xlsx":
            content = documents.render_xlsx(document)
        else:
            content = documents.render_csv(document, request.GET.get("table") or None)
    except documents.FontsMissing as error:
        return HttpResponse(str(error), status=503, content_type="text/plain; charset=utf-8")
    record_event(
        actor=request.user,
        action=Kind.REPORT_EXPORT,
        obj=unit,
        unit_id=unit.pk,
        data={"period": period.key(), "format": kind},
    )
    response = HttpResponse(content, content_type=KINDS[kind])
    name = f"{_('report')}-{unit.slug}-{period.key()}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
