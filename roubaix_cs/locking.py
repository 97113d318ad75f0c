"""Optimistic locking, reusable by every app.

A model inherits `Versionne`; its edit form inherits `VersionForm`; the view saves
with `enregistrer_versionne(form)`. When somebody else saved the record since the
form was displayed, `ConflitEdition` is raised with what changed meanwhile, and
nothing is written.
"""

from django import forms
from django.db import models, transaction

from .forms import ModelFormFr
from .history import changements_depuis


class Versionne(models.Model):
    version = models.PositiveIntegerField("version", default=1, editable=False)

    class Meta:
        abstract = True


class ConflitEdition(Exception):
    def __init__(self, changements, version_actuelle):
        super().__init__("Modifié entre-temps par un autre utilisateur.")
        self.changements = changements
        self.version_actuelle = version_actuelle


class VersionForm(ModelFormFr):
    """Carries the version the user saw, in a hidden field."""

    version_vue = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages=dict.fromkeys(
            ("required", "invalid"),
            "Le formulaire envoyé ne dit plus quelle version du dossier il modifie : "
            "rechargez la page, puis enregistrez à nouveau.",
        ),
    )

    class Meta(ModelFormFr.Meta):
        pass

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version_vue"].initial = self.instance.version
            self.fields["version_vue"].required = True

    def signaler_conflit(self, conflit):
        """Show the conflict on the form; a new submission is a deliberate overwrite."""
        self.add_error(
            None,
            "Ce dossier a été modifié par quelqu'un d'autre pendant que vous le modifiiez. "
            "Vos modifications n'ont pas été enregistrées. Vérifiez les changements ci-dessous, "
            "puis enregistrez à nouveau si vous souhaitez les remplacer.",
        )
        self.conflit = conflit
        data = self.data.copy()
        data[self.add_prefix("version_vue")] = conflit.version_actuelle
        self.data = data


def enregistrer_versionne(form, **save_kwargs):
    """Save `form` (a valid VersionForm) unless its record changed since it was shown."""
    instance = form.instance
    if instance.pk is None:
        return form.save(**save_kwargs)
    vue = form.cleaned_data["version_vue"]
    model = type(instance)
    with transaction.atomic():
        actuelle = model.objects.select_for_update().only("version").get(pk=instance.pk).version
        if actuelle != vue:
            raise ConflitEdition(changements_depuis(instance, vue), actuelle)
        instance.version = actuelle + 1
        return form.save(**save_kwargs)
