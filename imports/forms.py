from django import forms


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="A CSV (UTF-8, comma or semicolon separated) or an Excel "
        "workbook (.xlsx); the first row names the columns.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
