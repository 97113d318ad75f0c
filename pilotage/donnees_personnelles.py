"""Personal data: what the privacy page shows, and the file of one person, on request (RGPD art. 15).

`dossier(recherche)` gathers every record about the person that `recherche` names (an e-mail, a
username, a last name or « prénom nom », matched exactly so that nobody else comes with it): their
accounts and the centres' contacts that carry their name, their convocations to meetings as a contact
without an account, the élus' mandates, the records that name
the account (a referent, the author of a payment…), the history rows about them and the history
rows they wrote. Sections of rows, written as JSON or as one XLSX sheet per section.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.http import HttpResponse
from django.utils import timezone

from centres.models import Contact
from comptes.models import User
from deliberations.models import Mandat
from linne.models import DemandeReservation, Reservation, Serie
from roubaix_cs import xlsx
from roubaix_cs.formats import valeur
from roubaix_cs.history import ACTIONS

from .models import ParticipantReunion

CHAMPS_SECRETS = frozenset({"password"})


@dataclass(frozen=True)
class Conservation:
    """One line of the privacy page's table: what, how long (a setting's current value)."""

    donnees: str
    duree: str


def conservations():
    """The retention periods as the privacy page and the record of processing state them."""
    s = settings
    return [
        Conservation(
            "Comptes d'accès (nom, prénom, e-mail, rôle, organisation)",
            f"tant que le compte est actif, puis {s.RETENTION_COMPTES_DESACTIVES_ANS} an(s) après sa désactivation ; "
            "le compte est alors anonymisé (« Compte supprimé »)",
        ),
        Conservation(
            "Adresse secrète du calendrier personnel (dates de création et de révocation)",
            "jusqu'à ce que son titulaire la supprime ou la remplace ; révoquée dès la désactivation du compte, "
            f"effacée quand il est anonymisé ({s.RETENTION_COMPTES_DESACTIVES_ANS} an(s) après)",
        ),
        Conservation(
            "Traces des tentatives de connexion (identifiant, adresse IP, navigateur)",
            f"{s.RETENTION_TENTATIVES_CONNEXION_JOURS} jour(s)",
        ),
        Conservation(
            "Contacts des centres (nom, prénom, fonction, e-mail, téléphone)",
            f"tant que le centre est suivi, puis {s.RETENTION_CONTACTS_CENTRE_FERME_ANS} an(s) après sa fermeture ; "
            f"l'historique d'un contact supprimé est effacé {s.RETENTION_CONTACTS_SUPPRIMES_ANS} an(s) après",
        ),
        Conservation(
            "Contacts des partenaires convoqués aux réunions sans compte (nom, e-mail, organisation, présence)",
            f"{s.RETENTION_CONTACTS_REUNIONS_ANS} an(s) après la réunion, puis le nom et l'e-mail sont effacés "
            "(l'organisation et la présence restent)",
        ),
        Conservation("Mandats des élus au sein des organismes", "la durée du mandat, puis avec le compte de l'élu(e)"),
        Conservation(
            "Contacts des réservations et des demandes de salle de l'Espace Linné (nom, e-mail, téléphone, "
            "message de la demande, attestation d'assurance)",
            f"{s.RETENTION_DEMANDES_PUBLIC_MOIS} mois après la fin de la réservation, de la série ou de la demande, "
            "puis effacés (la réservation reste, sans personne) ; l'attestation d'assurance "
            f"{s.RETENTION_DEMANDES_PUBLIC_MOIS} mois après la fin de sa validité",
        ),
        Conservation("Congés de l'équipe (à venir)", f"{s.RETENTION_CONGES_ANS} an(s) après l'année du congé"),
    ]


@dataclass
class Section:
    titre: str
    lignes: list = field(default_factory=list)  # dicts with the same keys


@dataclass
class Dossier:
    recherche: str
    comptes: list
    contacts: list
    sections: list
    participants: list = field(default_factory=list)  # convened to meetings without an account
    linne: list = field(default_factory=list)  # contacts of Espace Linné's bookings, series and requests

    @property
    def vide(self):
        return not self.comptes and not self.contacts and not self.participants and not self.linne


def _texte(value):
    return "" if value is None else valeur(value)


def _valeurs(obj):
    """The record's own fields as « libellé : valeur » (secrets left out)."""
    return {
        str(f.verbose_name): _texte(getattr(obj, f.name) if f.is_relation else f.value_from_object(obj))
        for f in obj._meta.concrete_fields
        if f.name not in CHAMPS_SECRETS and not f.name.startswith("history_")
    }


def comptes_de(recherche):
    recherche = recherche.strip()
    if not recherche:
        return User.objects.none()
    return (
        User.objects.annotate(nom_complet=Concat("first_name", Value(" "), "last_name"))
        .filter(
            Q(email__iexact=recherche)
            | Q(username__iexact=recherche)
            | Q(last_name__iexact=recherche)
            | Q(nom_complet__iexact=recherche)
        )
        .exclude(email="", username="", last_name="")
        .select_related("organisation")
    )


def contacts_de(recherche):
    recherche = recherche.strip()
    if not recherche:
        return Contact.objects.none()
    return (
        Contact.objects.annotate(nom_complet=Concat("prenom", Value(" "), "nom"))
        .filter(Q(email__iexact=recherche) | Q(nom__iexact=recherche) | Q(nom_complet__iexact=recherche))
        .select_related("centre")
    )


def participants_de(recherche):
    """The meetings' contacts without an account that carry the name or the e-mail searched."""
    recherche = recherche.strip()
    if not recherche:
        return ParticipantReunion.objects.none()
    return (
        ParticipantReunion.objects.filter(user__isnull=True)
        .filter(Q(email__iexact=recherche) | Q(nom__iexact=recherche))
        .select_related("reunion", "organisation")
        .order_by("reunion__date", "pk")
    )


def contacts_linne_de(recherche):
    """The bookings, series and room requests of Espace Linné whose contact has the name or e-mail searched."""
    recherche = recherche.strip()
    if not recherche:
        return []
    critere = Q(contact_email__iexact=recherche) | Q(contact_nom__iexact=recherche)
    return [
        *Reservation.objects.filter(critere).select_related("salle", "organisation").order_by("debut", "pk"),
        *Serie.objects.filter(critere).select_related("salle", "organisation").order_by("date_debut", "pk"),
        *DemandeReservation.objects.filter(critere).order_by("recue_le", "pk"),
    ]


def _modeles_du_projet():
    for config in apps.get_app_configs():
        if Path(config.path).is_relative_to(settings.BASE_DIR) and ".venv" not in Path(config.path).parts:
            yield from config.get_models()


def _historiques():
    """The history models of the project (simple_history's `Historical…`)."""
    return [m for m in _modeles_du_projet() if hasattr(m, "instance_type") and hasattr(m, "history_user")]


def _ligne_historique(record, *, avec_valeurs):
    ligne = {
        "objet": str(record.instance_type._meta.verbose_name),
        "n°": record.pk if not hasattr(record, "id") else record.id,
        "date": _texte(record.history_date),
        "action": ACTIONS.get(record.history_type, record.history_type),
        "motif": record.history_change_reason or "",
    }
    if avec_valeurs:
        ligne["auteur"] = str(record.history_user) if record.history_user_id else ""
        ligne["valeurs"] = "; ".join(f"{k} : {v}" for k, v in _valeurs(record).items())
    return ligne


def _references(user):
    """The records that name the account in a foreign key or a many-to-many field."""
    lignes = []
    for modele in _modeles_du_projet():
        if hasattr(modele, "instance_type") or modele is User:
            continue
        for champ in modele._meta.get_fields():
            if not (champ.is_relation and champ.concrete and champ.related_model is User):
                continue
            for obj in modele._default_manager.filter(**{champ.name: user}).order_by("pk"):
                lignes.append(
                    {
                        "objet": str(modele._meta.verbose_name),
                        "champ": str(champ.verbose_name),
                        "enregistrement": str(obj),
                        "n°": obj.pk,
                    }
                )
    return lignes


def dossier(recherche: str) -> Dossier:
    comptes = list(comptes_de(recherche))
    contacts = list(contacts_de(recherche))
    participants = list(participants_de(recherche))
    linne = contacts_linne_de(recherche)
    mandats = list(Mandat.objects.filter(elu__in=comptes).select_related("elu", "organisation"))
    sur_la_personne = [
        *User.history.filter(id__in=[u.pk for u in comptes]),
        *Contact.history.filter(id__in=[c.pk for c in contacts]),
        *ParticipantReunion.history.filter(id__in=[p.pk for p in participants]),
        *Mandat.history.filter(elu_id__in=[u.pk for u in comptes]),
        *(record for objet in linne for record in objet.history.all()),
    ]
    par_la_personne = [
        record
        for historique in _historiques()
        for record in historique.objects.filter(history_user__in=comptes).order_by("history_date")
    ]
    sections = [
        Section("Comptes", [_valeurs(u) for u in comptes]),
        Section("Contacts des centres", [_valeurs(c) for c in contacts]),
        Section("Mandats", [_valeurs(m) for m in mandats]),
        Section(
            "Convocations aux réunions",
            [{"réunion": str(p.reunion), **_valeurs(p)} for p in participants],
        ),
        Section(
            "Réservations et demandes de salle de l'Espace Linné",
            [{"objet": str(o._meta.verbose_name), "enregistrement": str(o), **_valeurs(o)} for o in linne],
        ),
        Section("Dossiers qui nomment le compte", [ligne for u in comptes for ligne in _references(u)]),
        Section(
            "Historique des données de la personne",
            [_ligne_historique(r, avec_valeurs=True) for r in sorted(sur_la_personne, key=lambda r: r.history_date)],
        ),
        Section(
            "Modifications faites par la personne", [_ligne_historique(r, avec_valeurs=False) for r in par_la_personne]
        ),
    ]
    return Dossier(
        recherche=recherche.strip(),
        comptes=comptes,
        contacts=contacts,
        sections=sections,
        participants=participants,
        linne=linne,
    )


def _nom_de_fichier(fmt):
    return f"donnees-personnelles-{timezone.localdate():%Y-%m-%d}.{fmt}"


def en_json(d: Dossier) -> HttpResponse:
    contenu = {
        "recherche": d.recherche,
        "genere_le": timezone.localtime().isoformat(timespec="seconds"),
        **{s.titre: s.lignes for s in d.sections},
    }
    response = HttpResponse(
        json.dumps(contenu, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_nom_de_fichier("json")}"'
    return response


def en_xlsx(d: Dossier) -> HttpResponse:
    feuilles = []
    for section in d.sections:
        colonnes = list(dict.fromkeys(k for ligne in section.lignes for k in ligne))
        feuilles.append(
            xlsx.Feuille(section.titre, colonnes, [[ligne.get(c, "") for c in colonnes] for ligne in section.lignes])
        )
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_nom_de_fichier("xlsx")}"'
    xlsx.ecrire(response, feuilles)
    return response
