"""Demo meetings for seed_demo (called by pilotage/demo.py before the alerts are computed): the four
strategic copils and the political copil of the current year, with the partners convened (accounts of the
CAF and the Département, contacts of the Préfecture and the Fédération), their attendance, minutes,
decisions and actions — one of them overdue — and, per centre, a follow-up action, so that the actions
grow with `seed_demo --scale`. The meetings still to come are convened (no e-mail is sent by the demo).

Idempotent: a meeting is created once per (type, date), an action once per (meeting, label).
"""

import datetime

from django.utils import timezone

from centres.models import Centre

from .models import Action, ParticipantReunion, Reunion

T, S, P = Reunion.Type, Reunion.Statut, ParticipantReunion.Presence
LIEU = "Hôtel de ville de Roubaix, salle des commissions"
# The strategic copils of the year: (month, day, subject of its main decision).
COPILS = [
    (1, 20, "le calendrier des dialogues de gestion avec chaque centre"),
    (4, 7, "la répartition de l'enveloppe de fonctionnement de l'année"),
    (6, 23, "le bilan des accueils de loisirs de l'été à préparer"),
    (10, 13, "les orientations de la prochaine génération de conventions pluriannuelles"),
]
POLITIQUE = (11, 24)
# Contacts convened without an account: organisation, name, e-mail.
CONTACTS = [
    ("Préfecture du Nord", "Sophie Verhaeghe (déléguée du préfet)", "delegue-prefet@demo.invalid"),
    ("Fédération des centres sociaux du Nord", "Rachid Benyahia", "federation@demo.invalid"),
]


def charger(contexte):
    today, users, organisations = contexte["today"], contexte["users"], contexte["organisations"]
    annee = today.year
    copils = []
    for numero, (mois, jour, sujet) in enumerate(COPILS, start=1):
        date = datetime.date(annee, mois, jour)
        copils.append(
            _reunion(
                T.COPIL_STRATEGIQUE,
                date,
                f"Copil stratégique n° {numero}",
                today,
                users,
                organisations,
                ordre_du_jour=f"1. Point sur chaque centre\n2. {sujet[0].upper()}{sujet[1:]}\n3. Questions diverses",
                decisions=f"Le copil valide {sujet}.\nProchain copil : ordre du jour à proposer par le service.",
            )
        )
    politique = _reunion(
        T.COPIL_POLITIQUE,
        datetime.date(annee, *POLITIQUE),
        f"Copil politique {annee}",
        today,
        users,
        organisations,
        ordre_du_jour="1. Rapport annuel des centres sociaux\n2. Orientations de l'année prochaine",
        decisions="Le copil politique prend acte du rapport annuel et arrête les orientations de l'année prochaine.",
        elu=True,
    )
    tenues = [r for r in [*copils, politique] if r.statut == S.TENUE]
    _actions(tenues, today, users, organisations)
    _actions_par_centre(tenues, contexte["centres"], today, users)


def _reunion(type_, date, titre, today, users, organisations, *, ordre_du_jour, decisions, elu=False):
    existante = Reunion.objects.filter(type=type_, date=date).first()
    if existante is not None:
        return existante
    tenue = date < today
    reunion = Reunion.objects.create(
        type=type_,
        titre=titre,
        date=date,
        heure_debut=datetime.time(14, 0) if type_ == T.COPIL_STRATEGIQUE else datetime.time(17, 30),
        heure_fin=datetime.time(16, 30) if type_ == T.COPIL_STRATEGIQUE else datetime.time(19, 0),
        lieu=LIEU,
        statut=S.TENUE if tenue else S.PREVUE,
        ordre_du_jour=ordre_du_jour,
        compte_rendu=(
            "Tour de table des partenaires.\nLe service présente la situation de chaque centre et les points "
            "d'attention ; les partenaires partagent leurs calendriers de financement."
            if tenue
            else ""
        ),
        decisions=decisions if tenue else "",
        notes_internes="Préparer les chiffres du tableau de bord avant la séance."
        if type_ == T.COPIL_POLITIQUE
        else "",
        organisateur=users["responsable"],
    )
    personnes = ["responsable", "agent", "caf", "departement"] + (["elu"] if elu else [])
    for rang, nom in enumerate(personnes):
        user = users[nom]
        presence = (P.EXCUSE if rang == 3 else P.PRESENT) if tenue else P.CONVOQUE
        ParticipantReunion.objects.create(reunion=reunion, user=user, organisation=user.organisation, presence=presence)
    for rang, (organisation, nom, email) in enumerate(CONTACTS):
        presence = (P.ABSENT if rang else P.PRESENT) if tenue else P.CONVOQUE
        ParticipantReunion.objects.create(
            reunion=reunion, organisation=organisations[organisation], nom=nom, email=email, presence=presence
        )
    if not tenue:  # convened, once its participants are known (no e-mail is sent by the demo)
        reunion.convoquee_le = timezone.now()
        reunion.save()
    return reunion


def _action(reunion, libelle, echeance, **champs):
    action, _ = Action.objects.get_or_create(
        reunion=reunion, libelle=libelle, defaults={"echeance": echeance, **champs}
    )
    return action


def _actions(tenues, today, users, organisations):
    """Per copil held: one done, one under way (the CAF's); on the last one, one overdue (the agent's)."""
    caf = organisations["CAF du Nord"]
    for reunion in tenues:
        fin = min(reunion.date + datetime.timedelta(days=20), today)
        _action(
            reunion,
            "Diffuser le compte rendu aux partenaires",
            reunion.date + datetime.timedelta(days=15),
            porteur_user=users["responsable"],
            statut=Action.Statut.FAITE,
            date_cloture=fin,
        )
        _action(
            reunion,
            "Transmettre le calendrier des versements de la prestation de service",
            today + datetime.timedelta(days=45),
            porteur_organisation=caf,
            statut=Action.Statut.EN_COURS,
        )
    if tenues:
        derniere = max(tenues, key=lambda r: r.date)
        echeance = max(today - datetime.timedelta(days=10), derniere.date)
        if echeance < today:
            _action(
                derniere,
                "Recenser les besoins de formation des directeurs",
                echeance,
                porteur_user=users["agent"],
                commentaire="Relancer les centres qui n'ont pas répondu.",
            )


# The follow-up of each centre that the copils held decide in turn: (label, days to its due date, status).
SUIVI_DES_CENTRES = [
    ("transmettre ses comptes approuvés", -30, Action.Statut.FAITE),
    ("présenter le bilan d'étape du projet social", 25, Action.Statut.EN_COURS),
    ("préparer son dialogue de gestion", 60, Action.Statut.A_FAIRE),
]


def _actions_par_centre(tenues, centres, today, users):
    """Three follow-up actions per open centre, decided by the copils held in turn (one done, one under way,
    one to do, none due within the alerts' week): more centres, more actions."""
    if not tenues:
        return
    actifs = [c for c in centres if c.statut == Centre.Statut.ACTIF]
    for rang, centre in enumerate(actifs):
        for etape, (libelle, jours, statut) in enumerate(SUIVI_DES_CENTRES):
            reunion = tenues[(rang + etape) % len(tenues)]
            echeance = today + datetime.timedelta(days=jours + rang % 30)
            faite = statut == Action.Statut.FAITE
            if faite:
                echeance = max(echeance, reunion.date)
            proprietaire = centre.organisation if etape == 0 and centre.organisation_id else None
            _action(
                reunion,
                f"{centre.libelle_court} : {libelle}",
                echeance,
                porteur_organisation=proprietaire,
                porteur_user=None if proprietaire else users["agent"],
                statut=statut,
                date_cloture=min(max(echeance, reunion.date), today) if faite else None,
            )
