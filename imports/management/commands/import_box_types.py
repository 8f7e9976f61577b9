from imports.management.base import ImportCommand
from imports.models import Kind


class Command(ImportCommand):
    help = "Import box types from a CSV or Excel file into a company."
    kind = Kind.BOX_TYPES
