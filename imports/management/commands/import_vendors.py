from imports.management.base import ImportCommand
from imports.models import Kind


class Command(ImportCommand):
    help = "Import vendors from a CSV or Excel file into a company."
    kind = Kind.VENDORS
