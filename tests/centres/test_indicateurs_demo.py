"""The demo's yearly indicators: three closed years for every centre, the city's produits equal to
the operating grant of the demo, one centre whose finances degrade."""

import pytest
from django.db.models import Count, Sum

from centres.demo import EN_DIFFICULTE, exercice_clos
from centres.models import Centre, IndicateursAnnuels
from subventions.models import DemandeSubvention

pytestmark = pytest.mark.django_db


def test_every_centre_has_three_closed_years(demo):
    fin = exercice_clos(demo)
    annees = IndicateursAnnuels.objects.values("centre").annotate(n=Count("pk"))
    assert {a["n"] for a in annees} == {3}
    assert annees.count() == Centre.objects.count()
    assert set(IndicateursAnnuels.objects.values_list("annee", flat=True)) == {fin - 2, fin - 1, fin}


def test_the_produits_by_funder_add_up_and_the_city_s_share_is_its_grant(demo):
    verifies = 0
    for indicateurs in IndicateursAnnuels.objects.select_related("centre"):
        assert indicateurs.somme_produits_financeurs == indicateurs.produits_total
        indicateurs.full_clean()
        subvention = DemandeSubvention.objects.filter(
            centre=indicateurs.centre, annee=indicateurs.annee, nature="fonctionnement", montant_vote__isnull=False
        ).aggregate(s=Sum("montant_vote"))["s"]
        if subvention is not None:
            assert indicateurs.produits_ville == subvention, indicateurs.centre
            verifies += 1
    assert verifies >= 3  # the year the demo grants and the indicators share


def test_one_centre_in_ten_sees_its_finances_degrade(demo):
    centres = list(Centre.objects.filter(nom__contains="fictif").order_by("pk"))
    difficile = centres[EN_DIFFICULTE]
    annees = list(IndicateursAnnuels.objects.filter(centre=difficile).order_by("annee"))
    assert [a.tresorerie > 0 for a in annees] == [True, True, False]
    assert annees[0].tresorerie > annees[1].tresorerie > annees[2].tresorerie
    assert annees[-1].resultat < 0 and annees[-2].resultat < 0
    assert annees[-1].dettes_sociales_echues > 0
    sains = IndicateursAnnuels.objects.exclude(centre=difficile)
    assert not sains.filter(dettes_sociales_echues__gt=0).exists()
    assert all(i.resultat > 0 for i in sains)
