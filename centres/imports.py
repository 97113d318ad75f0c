"""Import of the centres' yearly indicators from a spreadsheet (XLSX or CSV).

Two steps. `analyser` reads the whole file and returns every error (row, column, problem), the
warnings of the yearly checks and the rows that will replace existing figures, writing nothing.
`executer` (in the request for a small file, in a Celery task for a large one) reads the file again,
stops if it has errors now, and writes every row in one transaction: all or nothing.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from roubaix_cs import xlsx

from .models import Centre, ImportIndicateurs, IndicateursAnnuels

COL_SIRET = "SIRET du centre"
COL_NOM = "Nom du centre"
COL_ANNEE = "Année"
# Rows read between two updates of the visible progress.
PAS_PROGRESSION = 100


def _unite(nom):
    if nom == "etp":
        return "nombre, 2 décimales"
    if nom in IndicateursAnnuels.ENTIERS:
        return "nombre entier"
    return "€, 2 décimales"


def _titre(nom):
    libelle = str(IndicateursAnnuels._meta.get_field(nom).verbose_name)
    return libelle[0].upper() + libelle[1:]


# (column title, field) of the figures, in the model's order.
COLONNES = [(_titre(nom), nom) for nom in IndicateursAnnuels.CHIFFRES]
TITRES = [COL_SIRET, COL_NOM, COL_ANNEE, *(titre for titre, _ in COLONNES)]
UNITES = ["14 chiffres (prioritaire)", "exactement comme dans l'application", "aaaa"] + [
    _unite(nom) for _, nom in COLONNES
]

EXEMPLE = {
    "usagers": 1250,
    "familles_adherentes": 380,
    "adherents": 1020,
    "partenaires": 28,
    "associations_accueillies": 9,
    "administrateurs": 12,
    "benevoles": 45,
    "reunions_ca": 8,
    "heures_benevolat": 5400,
    "salaries": 22,
    "etp": Decimal("15.50"),
    "charges_total": Decimal("820000.00"),
    "charges_exploitation": Decimal("790000.00"),
    "dotations_amortissements": Decimal("25000.00"),
    "masse_salariale": Decimal("560000.00"),
    "produits_total": Decimal("830000.00"),
    "produits_ville": Decimal("150000.00"),
    "produits_caf": Decimal("380000.00"),
    "produits_departement": Decimal("90000.00"),
    "produits_etat": Decimal("60000.00"),
    "produits_autres": Decimal("150000.00"),
    "contributions_nature": Decimal("40000.00"),
    "tresorerie": Decimal("180000.00"),
    "decouverts_bancaires": Decimal("0.00"),
    "fonds_propres": Decimal("210000.00"),
    "ressources_stables": Decimal("260000.00"),
    "immobilisations_nettes": Decimal("70000.00"),
    "dettes_sociales_echues": Decimal("0.00"),
    "subventions_a_recevoir": Decimal("95000.00"),
}

MODE_D_EMPLOI = [
    ["La première feuille : une ligne par centre et par année, sous la ligne des titres (gardez-la telle quelle)."],
    [
        "Le centre est reconnu par son SIRET (14 chiffres) ; à défaut, par son nom exact, tel qu'il est écrit dans "
        "l'application."
    ],
    [
        "Les effectifs, réunions et heures sont des nombres entiers ; les montants en euros, avec 2 décimales au "
        "plus ; tous sont requis "
        "(écrivez 0 plutôt que de laisser une case vide)."
    ],
    ["Fonds propres, ressources stables et trésorerie peuvent être négatifs ; les autres chiffres ne le peuvent pas."],
    ["Une ligne dont le centre a déjà des indicateurs pour cette année les remplace (l'aperçu le signale)."],
    ["Rien n'est enregistré tant que le fichier comporte une erreur ; l'aperçu les liste toutes avant l'import."],
]


def ligne_exemple(centre, annee):
    """The template's example row: a real centre, so that the template re-imports as it is."""
    return [
        centre.siret if centre else "",
        centre.nom if centre else "Centre social (nom exact)",
        annee,
        *(EXEMPLE[nom] for _, nom in COLONNES),
    ]


def modele_xlsx(fichier, centre, annee):
    xlsx.ecrire(
        fichier,
        [
            xlsx.Feuille("Indicateurs", TITRES, [ligne_exemple(centre, annee)]),
            xlsx.Feuille(
                "Mode d'emploi",
                ["Mode d'emploi"],
                [*MODE_D_EMPLOI, *([f"{t} : {u}"] for t, u in zip(TITRES, UNITES, strict=True))],
            ),
        ],
    )


def modele_csv(fichier, centre, annee):
    fichier.write("\ufeff")
    writer = csv.writer(fichier, delimiter=";")
    writer.writerow(TITRES)
    writer.writerow([str(v).replace(".", ",") if isinstance(v, Decimal) else v for v in ligne_exemple(centre, annee)])


# --- Reading ----------------------------------------------------------------------------------


class FichierIllisible(Exception):
    """The file cannot be read as a table at all (not an error of one cell)."""


def _lignes_xlsx(flux):
    from openpyxl import load_workbook  # a large import: loaded only when a workbook is read

    try:
        classeur = load_workbook(flux, read_only=True, data_only=True)
    except Exception as erreur:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise FichierIllisible(
            "Ce classeur XLSX ne peut pas être lu : enregistrez-le à nouveau depuis votre tableur."
        ) from erreur
    try:
        feuille = classeur.worksheets[0]
        yield from feuille.iter_rows(values_only=True)
    finally:
        classeur.close()


def _lignes_csv(flux):
    brut = flux.read()
    texte = ""
    for encodage in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            texte = brut.decode(encodage)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in texte:
        raise FichierIllisible("Ce fichier n'est pas un fichier CSV (texte) : exportez-le à nouveau en CSV.")
    premiere = texte.split("\n", 1)[0]
    delimiteur = max(";,\t", key=premiere.count)
    yield from csv.reader(io.StringIO(texte, newline=""), delimiter=delimiteur)


def lire(flux, format_):
    """The rows of the file (the first sheet of a workbook), each a tuple of raw cells."""
    return _lignes_xlsx(flux) if format_ == "xlsx" else _lignes_csv(flux)


def _vide(valeur):
    return valeur is None or (isinstance(valeur, str) and not valeur.strip())


def _texte(valeur):
    if isinstance(valeur, float) and valeur.is_integer():
        valeur = int(valeur)
    return str(valeur).strip()


def _nombre(valeur, *, entier):
    """A cell as a Decimal (or an int), French writing accepted (« 12 345,67 € »); ValidationError if not."""
    if isinstance(valeur, bool):
        raise ValidationError("Ce n'est pas un nombre.")
    if isinstance(valeur, (int, Decimal)):
        nombre = Decimal(valeur)
    elif isinstance(valeur, float):
        nombre = Decimal(repr(valeur))
    else:
        texte = str(valeur).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").rstrip("€")
        try:
            nombre = Decimal(texte.replace(",", "."))
        except InvalidOperation:
            raise ValidationError(f"« {str(valeur)[:40]} » n'est pas un nombre.") from None
    if not nombre.is_finite():
        raise ValidationError("Ce n'est pas un nombre.")
    if entier:
        if nombre != nombre.to_integral_value():
            raise ValidationError("Un nombre entier est attendu.")
        if nombre < 0:
            raise ValidationError("Ce nombre ne peut pas être négatif.")
        return int(nombre)
    if abs(nombre) >= 10**10:
        raise ValidationError("Ce nombre est bien trop grand : vérifiez le nombre de chiffres.")
    arrondi = nombre.quantize(Decimal("0.01"))
    if nombre != arrondi:
        raise ValidationError("Deux décimales au plus.")
    return arrondi


def _valider(nom, valeur):
    champ = IndicateursAnnuels._meta.get_field(nom)
    champ.run_validators(valeur)
    return valeur


# --- Analysis ---------------------------------------------------------------------------------


@dataclass
class Analyse:
    erreurs: list = field(default_factory=list)  # [(row, column, message)]
    avertissements: list = field(default_factory=list)  # [(row, column, message)]
    mises_a_jour: list = field(default_factory=list)  # [(row, message)]
    lignes: list = field(default_factory=list)  # [(row, IndicateursAnnuels not saved)]

    def rapport(self):
        return {
            "erreurs": [list(e) for e in self.erreurs],
            "avertissements": [list(a) for a in self.avertissements],
            "mises_a_jour": [list(m) for m in self.mises_a_jour],
        }


def _centres(user):
    """{siret: centre}, {name: [centres]} of the centres `user` may see, in one query."""
    par_siret, par_nom = {}, {}
    for centre in Centre.objects.visibles_par(user).only("pk", "nom", "siret"):
        if centre.siret:
            par_siret[centre.siret] = centre
        par_nom.setdefault(centre.nom, []).append(centre)
    return par_siret, par_nom


def analyser(flux, format_, user, progression=None):
    """Every error, warning and replacement of the file, nothing written. `progression(n)` is called
    every PAS_PROGRESSION rows read."""
    analyse = Analyse()
    try:
        lignes = lire(flux, format_)
        entete = next(lignes, None)
    except FichierIllisible as erreur:
        analyse.erreurs.append((1, "", str(erreur)))
        return analyse
    if entete is None:
        analyse.erreurs.append(
            (1, "", "Le fichier est vide : il faut la ligne des titres, puis une ligne par centre et par année.")
        )
        return analyse
    titres = [_texte(t) if not _vide(t) else "" for t in entete]
    colonnes = {}
    for index, titre in enumerate(titres):
        if not titre:
            continue
        if titre not in TITRES:
            analyse.erreurs.append((1, titre, "Colonne inconnue : utilisez les titres du modèle, sans les modifier."))
        elif titre in colonnes:
            analyse.erreurs.append((1, titre, "Cette colonne figure deux fois."))
        else:
            colonnes[titre] = index
    for titre in TITRES:
        if titre not in colonnes and titre not in (COL_SIRET, COL_NOM):
            analyse.erreurs.append((1, titre, "Colonne manquante : reprenez la ligne des titres du modèle."))
    if COL_SIRET not in colonnes and COL_NOM not in colonnes:
        analyse.erreurs.append((1, COL_SIRET, f"Colonne manquante : il faut « {COL_SIRET} » ou « {COL_NOM} »."))
    if analyse.erreurs:
        return analyse

    par_siret, par_nom = _centres(user)
    vus = {}  # (centre id, year) -> row
    try:
        for numero, cellules in enumerate(lignes, start=2):
            if progression and numero % PAS_PROGRESSION == 0:
                progression(numero - 1)
            if all(_vide(c) for c in cellules):
                continue
            indicateurs, cle, erreurs = _ligne(numero, cellules, colonnes, par_siret, par_nom)
            if cle in vus:  # a row with other errors counts too: once fixed, it would be a duplicate
                analyse.erreurs.append(
                    (numero, COL_ANNEE, f"Ce centre et cette année figurent déjà à la ligne {vus[cle]}.")
                )
                indicateurs = None
            elif cle is not None:
                vus[cle] = numero
            analyse.erreurs.extend(erreurs)
            if indicateurs is not None:
                analyse.lignes.append((numero, indicateurs))
    except FichierIllisible as erreur:
        analyse.erreurs.append((1, "", str(erreur)))
    if not analyse.lignes and not analyse.erreurs:
        analyse.erreurs.append((2, "", "Le fichier ne contient aucune ligne d'indicateurs sous la ligne des titres."))
    _comparer(analyse)
    return analyse


def _cellule(cellules, colonnes, titre):
    index = colonnes.get(titre)
    return cellules[index] if index is not None and index < len(cellules) else None


def _ligne(numero, cellules, colonnes, par_siret, par_nom):
    """(the row's IndicateursAnnuels not saved, or None; its (centre id, year), or None), its errors
    added to `analyse`."""
    erreurs = []
    centre = None
    siret, nom = _cellule(cellules, colonnes, COL_SIRET), _cellule(cellules, colonnes, COL_NOM)
    if not _vide(siret):
        siret = _texte(siret).replace(" ", "")
        centre = par_siret.get(siret)
        if centre is None:
            erreurs.append((numero, COL_SIRET, f"Aucun centre n'a le SIRET « {siret[:20]} »."))
    elif not _vide(nom):
        trouves = par_nom.get(_texte(nom), [])
        if len(trouves) == 1:
            centre = trouves[0]
        else:
            probleme = (
                "Plusieurs centres portent ce nom : indiquez le SIRET."
                if trouves
                else "Aucun centre ne porte exactement ce nom."
            )
            erreurs.append((numero, COL_NOM, probleme))
    else:
        erreurs.append((numero, COL_SIRET, "Indiquez le SIRET du centre ou, à défaut, son nom exact."))
    valeurs = {}
    for titre, nom_champ, entier in [
        (COL_ANNEE, "annee", True),
        *((t, n, n in IndicateursAnnuels.ENTIERS) for t, n in COLONNES),
    ]:
        brut = _cellule(cellules, colonnes, titre)
        if _vide(brut):
            erreurs.append((numero, titre, "Valeur manquante (écrivez 0 si c'est zéro)."))
            continue
        try:
            valeurs[nom_champ] = _valider(nom_champ, _nombre(brut, entier=entier))
        except ValidationError as erreur:
            erreurs.append((numero, titre, " ".join(erreur.messages)))
    cle = (centre.pk, valeurs["annee"]) if centre is not None and "annee" in valeurs else None
    if erreurs:
        return None, cle, erreurs
    return IndicateursAnnuels(centre=centre, **valeurs), cle, erreurs


def _comparer(analyse):
    """The warnings of each valid row (SEN-2, SEN-3, SEN-4 against the year before, from the file or
    the database) and the rows that replace existing figures: two queries, whatever the rows."""
    if not analyse.lignes:
        return
    centres = {i.centre_id for _, i in analyse.lignes}
    annees = {i.annee for _, i in analyse.lignes} | {i.annee - 1 for _, i in analyse.lignes}
    existants = {
        (i.centre_id, i.annee): i
        for i in IndicateursAnnuels.objects.filter(centre__in=centres, annee__in=annees).order_by()
    }
    du_fichier = {(i.centre_id, i.annee): i for _, i in analyse.lignes}
    for numero, indicateurs in analyse.lignes:
        cle = (indicateurs.centre_id, indicateurs.annee)
        precedent = du_fichier.get((cle[0], cle[1] - 1)) or existants.get((cle[0], cle[1] - 1))
        for nom, message in indicateurs.avertissements(precedent):
            analyse.avertissements.append((numero, _colonne(nom), message))
        if cle in existants:
            analyse.mises_a_jour.append(
                (
                    numero,
                    f"{indicateurs.centre.nom} a déjà des indicateurs pour {indicateurs.annee} : "
                    "cette ligne les remplacera.",
                )
            )


TITRE_DU_CHAMP = {nom: titre for titre, nom in COLONNES}


def _colonne(nom):
    return TITRE_DU_CHAMP.get(nom, "")


# --- Writing ----------------------------------------------------------------------------------


def format_du_nom(nom):
    return "xlsx" if nom.lower().endswith(".xlsx") else "csv"


def analyser_import(import_, progression=None):
    with import_.fichier.open("rb") as flux:
        return analyser(flux, format_du_nom(import_.nom_original), import_.deposee_par, progression)


def deposer(*, fichier, par):
    """Store an uploaded file (private storage) and analyse it: the import waits for its confirmation,
    or for a corrected file when it has errors."""
    import_ = ImportIndicateurs(nom_original=fichier.name, deposee_par=par)
    import_.fichier.save(fichier.name, fichier, save=False)
    analyse = analyser_import(import_)
    import_.lignes = len(analyse.lignes)
    import_.rapport = analyse.rapport()
    import_.statut = ImportIndicateurs.Statut.A_CORRIGER if analyse.erreurs else ImportIndicateurs.Statut.A_CONFIRMER
    import_.save()
    return import_


def mettre_en_file(*, import_id, tache):
    """Queue a confirmed import for the background (`tache`, a Celery task taking its id), after commit;
    a second confirmation queues nothing more."""
    en_file = ImportIndicateurs.objects.filter(pk=import_id, statut=ImportIndicateurs.Statut.A_CONFIRMER).update(
        statut=ImportIndicateurs.Statut.EN_ATTENTE
    )
    if en_file:
        transaction.on_commit(lambda: tache.delay(import_id))
    return bool(en_file)


def ecrire(analyse, *, par, motif):
    """Write every row of a file without errors in one transaction; rows locked, existing figures replaced
    (their version moved on, so an edit form open on them meets a conflict). Returns (created, updated)."""
    with transaction.atomic():
        cles = [(i.centre_id, i.annee) for _, i in analyse.lignes]
        existants = {
            (i.centre_id, i.annee): i
            for i in IndicateursAnnuels.objects.select_for_update()
            .filter(centre__in={c for c, _ in cles}, annee__in={a for _, a in cles})
            .order_by()
        }
        nouveaux, modifies = [], []
        for _, indicateurs in analyse.lignes:
            existant = existants.get((indicateurs.centre_id, indicateurs.annee))
            if existant is None:
                nouveaux.append(indicateurs)
                continue
            for nom in IndicateursAnnuels.CHIFFRES:
                setattr(existant, nom, getattr(indicateurs, nom))
            existant.version += 1
            modifies.append(existant)
        if nouveaux:
            bulk_create_with_history(nouveaux, IndicateursAnnuels, default_user=par, default_change_reason=motif)
        if modifies:
            bulk_update_with_history(
                modifies,
                IndicateursAnnuels,
                [*IndicateursAnnuels.CHIFFRES, "version"],
                default_user=par,
                default_change_reason=motif,
            )
    return len(nouveaux), len(modifies)


def executer(import_id):
    """Import a confirmed file, all or nothing. Idempotent: a finished import is not redone; a file
    that has errors now (a centre closed meanwhile, say) writes nothing and says why."""
    with transaction.atomic():
        import_ = ImportIndicateurs.objects.select_for_update().get(pk=import_id)
        if import_.statut in (ImportIndicateurs.Statut.TERMINE, ImportIndicateurs.Statut.A_CORRIGER):
            return import_
        import_.statut = ImportIndicateurs.Statut.EN_COURS
        import_.debut = timezone.now()
        import_.traitees = 0
        import_.erreur = ""
        import_.save()

    def progression(n):
        ImportIndicateurs.objects.filter(pk=import_id).update(traitees=n)

    analyse = analyser_import(import_, progression)
    if analyse.erreurs:
        return _finir(
            import_,
            ImportIndicateurs.Statut.ECHEC,
            erreur=f"Le fichier comporte maintenant {len(analyse.erreurs)} erreur(s) : rien n'a été enregistré. "
            "Déposez-le à nouveau pour les voir.",
            rapport=analyse.rapport(),
        )
    try:
        crees, modifies = ecrire(analyse, par=import_.deposee_par, motif=f"Import « {import_.nom_original} »")
    except IntegrityError:
        return _finir(
            import_,
            ImportIndicateurs.Statut.ECHEC,
            erreur="Des indicateurs de ces centres ont été saisis pendant l'import : rien n'a été enregistré. "
            "Relancez l'import.",
        )
    rapport = {**import_.rapport, "crees": crees, "modifies": modifies}
    return _finir(import_, ImportIndicateurs.Statut.TERMINE, rapport=rapport, traitees=import_.lignes)


def _finir(import_, statut, **champs):
    champs = {"statut": statut, "fin": timezone.now(), **champs}
    ImportIndicateurs.objects.filter(pk=import_.pk).update(**champs)
    import_.refresh_from_db()
    return import_
