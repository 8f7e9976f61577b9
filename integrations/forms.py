from django import forms

from .models import CargoMasterSettings

PASSWORD_MAX_LENGTH = 128


class CargoMasterSettingsForm(forms.ModelForm):
    """The Cargo Master Settings window.

    The password is write-only: the field never shows the stored value, and a blank
    password on an edit keeps the stored one.
    """

    password = forms.CharField(
        widget=forms.PasswordInput(render_value=False),
        required=False,
        max_length=PASSWORD_MAX_LENGTH,
        # Cargo Master passwords may start or end with a space; keep them as typed.
        strip=False,
        help_text="As sent by Cargo Master.",
    )

    class Meta:
        model = CargoMasterSettings
        fields = [
            "username",
            "password",
            "importer_code",
            "send_mode",
            "send_purchase_orders",
            "generate_labels",
            "label_size",
            "environment",
            "enabled",
        ]
        widgets = {"send_mode": forms.RadioSelect}
        help_texts = {"importer_code": "The importer code Cargo Master gave you."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields[
                "password"
            ].help_text = "Leave blank to keep the stored password."

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not password and not self.instance.pk:
            raise forms.ValidationError(
                "Enter the password Cargo Master sent you.", code="required"
            )
        return password

    def save(self, commit: bool = True) -> CargoMasterSettings:
        if self.cleaned_data["password"]:
            self.instance.set_password(self.cleaned_data["password"])
        return super().save(commit=commit)
