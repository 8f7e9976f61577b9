from django import forms

from .models import READ_ONLY_RESOURCES, Access, Resource

NO_ACCESS = ""


class ApiTokenForm(forms.Form):
    """New token: a name to recognise it by, and its access to each resource."""

    name = forms.CharField(
        max_length=80,
        help_text="Say which system uses it, such as “ERP nightly sync”.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for resource in Resource:
            choices = [(NO_ACCESS, "No access"), (Access.READ, Access.READ.label)]
            if resource not in READ_ONLY_RESOURCES:
                choices.append((Access.WRITE, Access.WRITE.label))
            self.fields[f"scope_{resource.value}"] = forms.ChoiceField(
                label=resource.label, choices=choices, required=False
            )

    def scope_fields(self) -> list:
        return [self[f"scope_{resource.value}"] for resource in Resource]

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.errors and not self.scopes():
            raise forms.ValidationError(
                "Give the token access to at least one resource.", code="no_scopes"
            )
        return cleaned

    def scopes(self) -> dict[str, str]:
        return {
            resource.value: self.cleaned_data[f"scope_{resource.value}"]
            for resource in Resource
            if self.cleaned_data.get(f"scope_{resource.value}")
        }
