import re

from django import forms
from django.core.exceptions import ObjectDoesNotExist

from companies.models import Company

from .models import Vendor

# Vendor codes appear on box labels and in file imports, so keep them to plain
# capital letters and digits that every printer and spreadsheet reads alike.
VENDOR_CODE = re.compile(r"^[A-Z0-9]{2,20}$")
VENDOR_CODE_MESSAGE = (
    "A vendor code is 2 to 20 capital letters and digits, with no spaces or symbols "
    "(for example FLOTA)."
)
COUNTRY_MESSAGE = "Enter a two-letter country code such as CO or EC."
AIRPORT_MESSAGE = "Enter a three-letter airport code such as BOG, MDE or UIO."
CARGO_MASTER_CODE_MESSAGE = (
    "A Cargo Master code is 3 to 20 capital letters and digits, with no spaces or "
    "symbols (for example UIO07100)."
)


def company_has_cargo_master(company: Company) -> bool:
    """Whether the company is linked with Cargo Master (vendors never import it)."""
    try:
        company.cargo_master_settings  # noqa: B018  (reverse one-to-one lookup)
    except ObjectDoesNotExist:
        return False
    return True


class VendorForm(forms.ModelForm):
    """The Vendor Information window.

    The Cargo Master code only shows once the company is linked with Cargo Master,
    and only to users allowed to set it.
    """

    class Meta:
        model = Vendor
        fields = [
            "code",
            "name",
            "country",
            "origin",
            "order_emails",
            "active",
            "cargo_master_code",
        ]
        widgets = {"order_emails": forms.TextInput()}
        # The product's name, spelt as everywhere else (the list's column says so).
        labels = {"cargo_master_code": "Cargo Master code"}
        # Say what a too-long code should look like, not only how long it is.
        error_messages = {
            "code": {"max_length": VENDOR_CODE_MESSAGE},
            "country": {"max_length": COUNTRY_MESSAGE},
            "origin": {"max_length": AIRPORT_MESSAGE},
            "cargo_master_code": {"max_length": CARGO_MASTER_CODE_MESSAGE},
        }

    def __init__(
        self, *args, company: Company, can_set_cargo_master_code: bool, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.company = company
        if not (can_set_cargo_master_code and company_has_cargo_master(company)):
            del self.fields["cargo_master_code"]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip().upper()
        if not VENDOR_CODE.match(code):
            raise forms.ValidationError(VENDOR_CODE_MESSAGE, code="invalid_vendor_code")
        others = Vendor.objects.filter(company=self.company, code=code)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(
                "A vendor with code %(code)s already exists.",
                params={"code": code},
                code="duplicate_vendor_code",
            )
        return code

    def clean_country(self) -> str:
        return self.cleaned_data["country"].strip().upper()

    def clean_origin(self) -> str:
        return self.cleaned_data["origin"].strip().upper()

    def clean_cargo_master_code(self) -> str:
        # The model's validator then refuses inner spaces and symbols, beside the
        # field, with the message Cargo Master's format calls for.
        return self.cleaned_data["cargo_master_code"].strip().upper()

    def save(self, commit: bool = True) -> Vendor:
        self.instance.company = self.company
        return super().save(commit=commit)
