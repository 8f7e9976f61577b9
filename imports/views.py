"""Purchase Orders > Import and Setup > Vendors > Import: upload, progress, results."""

from django.contrib import messages
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from companies.access import company_view
from companies.roles import Capability, role_can

from . import results, services
from .forms import ImportForm
from .importers import IMPORTERS
from .models import ImportJob, JobStatus, Kind
from .reader import XLSX, FileRefused

# URL slugs of the three kinds of import.
KINDS = {
    "vendors": Kind.VENDORS,
    "box-types": Kind.BOX_TYPES,
    "purchase-orders": Kind.PURCHASE_ORDERS,
}
ISSUES_SHOWN = 500  # on the page; the results download has every row
RECENT_JOBS = 10


@company_view(Capability.IMPORT_FILES)
def import_new(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such import.")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            with transaction.atomic():
                job = services.import_job_create(
                    company=request.company,
                    kind=KINDS[kind],
                    file=upload,
                    file_name=upload.name,
                    created_by=request.user,
                    sets_cargo_master_codes=role_can(
                        request.membership.role, Capability.SET_CARGO_MASTER_CODES
                    ),
                )
                services.import_job_queue(job=job)
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect("imports:detail", pk=job.pk)

    recent = ImportJob.objects.filter(company=request.company, kind=KINDS[kind])
    importer = IMPORTERS[KINDS[kind]]
    context = {
        "form": form,
        "kind": KINDS[kind],
        "required_columns": importer.required_columns,
        "optional_columns": importer.optional_columns,
        "recent": recent[:RECENT_JOBS],
    }
    return render(request, "imports/new.html", context)


@company_view(Capability.IMPORT_FILES)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "imports/detail.html", _job_context(request, pk))


@company_view(Capability.IMPORT_FILES)
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page that htmx polls while the import or sending runs."""
    return render(request, "imports/_progress.html", _job_context(request, pk))


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(ImportJob, pk=pk, company=request.company)


def _job_context(request: HttpRequest, pk: int) -> dict:
    job = _job(request, pk)
    drafts = 0
    if job.kind == Kind.PURCHASE_ORDERS and not job.in_progress:
        drafts = services.import_job_drafts(job).count()
    return {
        "job": job,
        "issues": job.errors[:ISSUES_SHOWN],
        "issues_not_shown": max(0, len(job.errors) - ISSUES_SHOWN),
        "drafts": drafts,
    }


@company_view(Capability.IMPORT_FILES)
def import_results(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file with a result column: .csv for a CSV, .xlsx for a workbook."""
    job = _job(request, pk)
    if job.status not in (JobStatus.FINISHED, JobStatus.FAILED):
        messages.error(request, "Row results are ready once the import has run.")
        return redirect("imports:detail", pk=job.pk)

    table, rows = results.result_rows(job)
    name = results.results_file_name(job, table)
    if table.format == XLSX:
        return FileResponse(results.xlsx_file(rows), as_attachment=True, filename=name)
    response = StreamingHttpResponse(
        results.csv_chunks(table, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@company_view(Capability.MANAGE_PURCHASE_ORDERS)
@require_POST
def import_send(request: HttpRequest, pk: int) -> HttpResponse:
    """Send all N POs of this import: queued, with progress on the job page."""
    job = _job(request, pk)
    try:
        total = services.import_job_send_request(job=job, user=request.user)
    except services.ImportJobError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Sending {total} POs to their vendors.")
    return redirect("imports:detail", pk=job.pk)
