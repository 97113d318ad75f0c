from django import forms

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    """Native date picker; the value travels as ISO, and French input is accepted too."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def dates_natives(form):
    """Give every DateField of `form` the native picker and French input formats."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DateInput()
            field.input_formats = DATE_INPUT_FORMATS


def formfield_fr(db_field, **kwargs):
    """Form fields of every ModelForm of the project: URLs default to https."""
    from django.db import models

    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ModelFormFr(forms.ModelForm):
    """Base of the project's model forms: https URLs, native date pickers, no conflict banner."""

    conflit = None
    # Fields the view sets on the instance (the parent record): still part of the constraints
    # checked before saving, so a duplicate gets a French message instead of an IntegrityError.
    champs_du_parent = ()

    class Meta:
        formfield_callback = formfield_fr

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dates_natives(self)

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.champs_du_parent)
