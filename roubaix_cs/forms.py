import django_filters
import django_filters.fields
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .autocompletion import Recherche, SelectRecherche, resoudre

# The largest id a database column holds (a 64-bit integer): a bigger one is no choice at all, and
# SQLite would raise OverflowError binding it instead of finding no row.
ID_MAX = 2**63 - 1


def _id_hors_bornes(valeur):
    texte = str(valeur).strip().lstrip("+-")
    return texte.isdigit() and int(texte) > ID_MAX


class ChoixModele(forms.ModelChoiceField):
    """A ModelChoiceField for which an id out of any database's range is an invalid choice; a big list
    is a search field (roubaix_cs.autocompletion), whose term sent without JavaScript is resolved here."""

    widget = SelectRecherche

    def to_python(self, value):
        if isinstance(value, Recherche):
            return resoudre(self.queryset, value)
        if value not in self.empty_values and _id_hors_bornes(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ChoixModeles(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField for which an id out of any database's range is an invalid choice; with
    the CasesRecherche widget, a search term sent without JavaScript adds the one record it designates."""

    def clean(self, value):
        if isinstance(value, (list, tuple)) and any(isinstance(v, Recherche) for v in value):
            valeurs = [v for v in value if not isinstance(v, Recherche)]
            for terme in (v for v in value if isinstance(v, Recherche)):
                valeurs.append(str(resoudre(self.queryset, terme).pk))
            value = valeurs
        return super().clean(value)

    def _check_values(self, value):
        for valeur in value if isinstance(value, (list, tuple)) else []:
            if _id_hors_bornes(valeur):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": valeur}
                )
        return super()._check_values(value)


class _ChoixFiltre(django_filters.fields.ModelChoiceField, ChoixModele):
    pass


class FiltreChoixModele(django_filters.ModelChoiceFilter):
    """A list filter on a record: an id out of range is an invalid choice, explained under the filter."""

    field_class = _ChoixFiltre


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
    """Form fields of every ModelForm of the project: URLs default to https, choices of records
    refuse ids out of range."""
    from django.db import models

    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    elif isinstance(db_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ChoixModeles)
    elif isinstance(db_field, models.ForeignKey):
        kwargs.setdefault("form_class", ChoixModele)
    return db_field.formfield(**kwargs)


def _sans_choix(champ):
    return not any(valeur not in ("", None) for valeur, _ in champ.choices)


class ErreursVisibles:
    """The errors of a field the page does not show (a hidden field, a list of boxes without any
    option) are repeated at the top of the form, where they are read: never a refusal without its
    reason. They stay on their field too, for the code that reads them there."""

    def _post_clean(self):
        super()._post_clean()
        for nom in [n for n in self._errors if n in self.fields]:
            champ = self.fields[nom]
            if champ.widget.is_hidden:
                prefixe = ""
            elif isinstance(champ.widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)) and _sans_choix(champ):
                prefixe = f"{champ.label} : "
            else:
                continue
            haut = self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield"))
            haut.extend(prefixe + message for message in self._errors[nom])


class ModelFormFr(ErreursVisibles, forms.ModelForm):
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
