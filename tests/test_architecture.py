"""Each app owns its records' states (DESIGN.md §3): no module assigns the `statut` of another app's
model, in any form (attribute, setattr, `.update(statut=…)`, `bulk_update`, a record created with
its status). Read from the source's syntax tree, not grepped.

Whose record a write touches is read the way a reviewer would: a model class named in the expression
(`Convention.objects…`), a relation crossed (`deliberation.demandes…`), the variable's binding in the
function, or, for a parameter, its name (`demande` is a grant request). A write it cannot attribute
fails too: the code must say whose status it writes. The workflow engine (roubaix_cs/workflow.py)
writes for the app whose table it applies.
"""

import ast
import unicodedata
from pathlib import Path

from django.apps import apps
from django.conf import settings

MOTEUR = Path("roubaix_cs/workflow.py")


def _sans_accents(texte):
    return "".join(c for c in unicodedata.normalize("NFD", texte) if unicodedata.category(c) != "Mn")


def _modeles():
    return [
        m
        for m in apps.get_models()
        if any(f.name == "statut" for f in m._meta.fields) and not m.__name__.startswith("Historical")
    ]


class Lecteur:
    """Whose model an expression designates, from what the code says."""

    def __init__(self, modeles):
        self.app = None  # the app of the module being read
        self.par_classe = {m.__name__: m for m in modeles}
        self.par_variable = {}
        for m in modeles:
            for nom in {m._meta.model_name, _sans_accents(str(m._meta.verbose_name).split()[0].lower())}:
                self.par_variable.setdefault(nom, set()).add(m)
        self.par_relation = {}
        for m in apps.get_models():
            for champ in m._meta.get_fields():
                cible = champ.related_model
                if cible in modeles:
                    nom = champ.get_accessor_name() if champ.auto_created and not champ.concrete else champ.name
                    self.par_relation.setdefault(nom, set()).add(cible)

    @staticmethod
    def _unique(candidats):
        return next(iter(candidats)) if candidats and len(candidats) == 1 else None

    def modele(self, noeud, liaisons, classe):
        """The model `noeud` designates, or None when the code does not say."""
        if isinstance(noeud, ast.Call):
            if isinstance(noeud.func, ast.Name) and noeud.func.id == "type" and noeud.args:
                return self.modele(noeud.args[0], liaisons, classe)
            return self.modele(noeud.func, liaisons, classe)
        if isinstance(noeud, ast.Attribute):
            if modele := self._unique(self.par_relation.get(noeud.attr)):
                return modele
            return self.modele(noeud.value, liaisons, classe)
        if isinstance(noeud, ast.Subscript):
            return self.modele(noeud.value, liaisons, classe)
        if isinstance(noeud, ast.Name):
            if noeud.id in self.par_classe:
                return self.par_classe[noeud.id]
            if noeud.id == "self":
                return self.par_classe.get(classe)
            lies = {self.modele(valeur, {}, classe) for valeur in liaisons.get(noeud.id, [])} - {None}
            if lies:
                return self._unique(lies)
            candidats = self.par_variable.get(noeud.id, set())
            # A name two apps' models share (« demande »: a grant request, a room request) is the
            # module's own app's model when it has one.
            return self._unique(candidats) or self._unique({m for m in candidats if m._meta.app_label == self.app})
        return None


def _liaisons(fonction):
    """name -> the expressions bound to it in the function (assignments, loops, with … as)."""
    liaisons = {}
    for noeud in ast.walk(fonction):
        if isinstance(noeud, ast.Assign):
            for cible in noeud.targets:
                if isinstance(cible, ast.Name):
                    liaisons.setdefault(cible.id, []).append(noeud.value)
        elif isinstance(noeud, ast.For | ast.comprehension) and isinstance(noeud.target, ast.Name):
            liaisons.setdefault(noeud.target.id, []).append(noeud.iter)
    return liaisons


def ecritures_de_statut(arbre):
    """(line, the expression whose status is written, its function, its class) of every status write."""
    trouvees = []

    def visiter(noeud, fonction, classe):
        for enfant in ast.iter_child_nodes(noeud):
            f = enfant if isinstance(enfant, ast.FunctionDef | ast.AsyncFunctionDef) else fonction
            c = enfant.name if isinstance(enfant, ast.ClassDef) else classe
            for cible in _cibles(enfant):
                trouvees.append((enfant.lineno, cible, f, c))
            visiter(enfant, f, c)

    visiter(arbre, None, None)
    return trouvees


def _cibles(noeud):
    if isinstance(noeud, ast.Assign | ast.AugAssign | ast.AnnAssign):
        cibles = noeud.targets if isinstance(noeud, ast.Assign) else [noeud.target]
        for cible in cibles:
            for element in cible.elts if isinstance(cible, ast.Tuple) else [cible]:
                if isinstance(element, ast.Attribute) and element.attr == "statut":
                    yield element.value
    elif isinstance(noeud, ast.Call):
        func = noeud.func
        mots = {k.arg for k in noeud.keywords}
        if isinstance(func, ast.Name) and func.id == "setattr" and len(noeud.args) >= 2:
            if isinstance(noeud.args[1], ast.Constant) and noeud.args[1].value == "statut":
                yield noeud.args[0]
        elif isinstance(func, ast.Attribute) and func.attr in ("update", "create", "get_or_create", "update_or_create"):
            if "statut" in mots or any(
                k.arg == "defaults" and "statut" in ast.unparse(k.value) for k in noeud.keywords
            ):
                yield func.value
        elif isinstance(func, ast.Attribute) and func.attr == "bulk_update":
            if any("statut" in ast.unparse(a) for a in noeud.args[1:]) or any(
                k.arg == "fields" and "statut" in ast.unparse(k.value) for k in noeud.keywords
            ):
                yield noeud.args[0] if noeud.args else func.value
        elif "statut" in mots and isinstance(func, ast.Name) and func.id[:1].isupper():
            yield func  # a record created with its status: Model(statut=…)


def violations(source, chemin, lecteur):
    """The status writes of `source` (a module of the app `chemin.parts[0]`) on other apps' models."""
    app = lecteur.app = chemin.parts[0]
    erreurs = []
    for ligne, cible, fonction, classe in ecritures_de_statut(ast.parse(source)):
        modele = lecteur.modele(cible, _liaisons(fonction) if fonction else {}, classe)
        if modele is None:
            erreurs.append(f"{chemin}:{ligne}: whose status is `{ast.unparse(cible)}.statut`? Say it in the code.")
        elif modele._meta.app_label != app:
            erreurs.append(
                f"{chemin}:{ligne}: {app} writes the status of {modele.__name__} ({modele._meta.app_label}): "
                f"call a service of {modele._meta.app_label}."
            )
    return erreurs


def _modules_des_apps():
    racine = Path(settings.BASE_DIR)
    for config in apps.get_app_configs():
        dossier = Path(config.path)
        if not dossier.is_relative_to(racine) or ".venv" in dossier.parts:
            continue
        for fichier in sorted(dossier.rglob("*.py")):
            chemin = fichier.relative_to(racine)
            if "migrations" not in chemin.parts:
                yield chemin, fichier.read_text()


def test_no_app_writes_the_status_of_another_app_s_model():
    lecteur = Lecteur(_modeles())
    modules = list(_modules_des_apps())
    assert {c.parts[0] for c, _ in modules} >= {"centres", "conventions", "subventions", "deliberations"}
    erreurs = [e for chemin, source in modules if chemin != MOTEUR for e in violations(source, chemin, lecteur)]
    assert erreurs == []


def test_the_engine_is_the_only_generic_writer():
    """The workflow engine writes `objet.statut` for whichever app applies its table: exempted above,
    and the only module whose writes cannot be attributed."""
    source = (Path(settings.BASE_DIR) / MOTEUR).read_text()
    assert [ast.unparse(c) for _, c, _, _ in ecritures_de_statut(ast.parse(source))] == ["objet"]


ECRITURES_INTERDITES = [
    "def voter(*, deliberation):\n    for demande in deliberation.demandes.select_for_update():\n"
    "        demande.statut = 'votee'\n",
    "def voter(*, deliberation):\n    deliberation.demandes.update(statut='votee')\n",
    "def voter(*, demande):\n    setattr(demande, 'statut', 'votee')\n",
    "def voter(*, conventions):\n    Convention.objects.bulk_update(conventions, ['statut'])\n",
    "def voter(*, pk):\n    avenant = Avenant.objects.get(pk=pk)\n    avenant.statut = 'delibere'\n",
    "def creer():\n    DemandeSubvention.objects.create(statut='votee')\n",
]


def test_it_catches_every_form_of_writing_another_app_s_status():
    lecteur = Lecteur(_modeles())
    for source in ECRITURES_INTERDITES:
        assert len(violations(source, Path("deliberations/services.py"), lecteur)) == 1, source
    own = "def voter(*, pk):\n    deliberation = Deliberation.objects.get(pk=pk)\n    deliberation.statut = 'votee'\n"
    assert violations(own, Path("deliberations/services.py"), lecteur) == []
    assert violations("def f(x):\n    x.statut = 1\n", Path("deliberations/services.py"), lecteur) == [
        "deliberations/services.py:2: whose status is `x.statut`? Say it in the code."
    ]
