from django.db import transaction

from roubaix_cs.locking import enregistrer_versionne

from .models import CentrePartenaire


@transaction.atomic
def enregistrer_centre(*, form):
    """Save a CentreForm and its partner organisations together (optimistic locking applies)."""
    centre = enregistrer_versionne(form)
    definir_partenaires(centre=centre, organisations=form.cleaned_data["partenaires"])
    return centre


def definir_partenaires(*, centre, organisations):
    """Make the centre's partners exactly `organisations`, one row at a time so history keeps each change."""
    voulues = {org.pk for org in organisations}
    for lien in centre.liens_partenaires.all():
        if lien.organisation_id not in voulues:
            lien.delete()
        voulues.discard(lien.organisation_id)
    for organisation_id in sorted(voulues):
        CentrePartenaire.objects.create(centre=centre, organisation_id=organisation_id)
