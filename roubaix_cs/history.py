"""Reading django-simple-history records as a French timeline: who, when, what changed."""

from collections import defaultdict
from dataclasses import dataclass, field

from .formats import valeur
from .lecture import TOUT, champs_caches

IGNORES = frozenset({"id", "version"})
ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}


@dataclass
class Changement:
    champ: str
    avant: str
    apres: str


@dataclass
class Evenement:
    date: object
    auteur: object
    objet: str
    action: str
    changements: list = field(default_factory=list)
    motif: str = ""


def _champs(record, masquer):
    return [f for f in record.tracked_fields if f.name not in IGNORES and f.name not in masquer]


@dataclass(frozen=True)
class _M2M:
    """A many-to-many field recorded by simple-history (`m2m_fields`): its snapshot rows per record."""

    field: object
    accessor: str
    target_attname: str

    @classmethod
    def du_modele(cls, historical_model):
        found = []
        relations = [r for r in historical_model._meta.get_fields() if r.is_relation and r.auto_created]
        for f in getattr(historical_model, "_history_m2m_fields", []):
            for relation in relations:
                if relation.related_model.__name__.endswith(f"_{f.name}"):
                    cible = next(x for x in relation.related_model._meta.fields if x.related_model is f.related_model)
                    found.append(cls(f, relation.get_accessor_name(), cible.attname))
        return found

    def ids(self, record):
        return frozenset(getattr(row, self.target_attname) for row in getattr(record, self.accessor).all())


class _Afficheur:
    """Turns raw values into text; resolves foreign keys with one query per model."""

    def __init__(self, sources):
        """`sources`: `(records, masquer, m2m)` triples, each with the fields its reader may not see."""
        ids = defaultdict(set)
        for records, masquer, m2m in sources:
            relations = [relation for relation in m2m if relation.field.name not in masquer]
            for record in records:
                for f in _champs(record, masquer):
                    if f.is_relation:
                        value = getattr(record, f.attname)
                        if value is not None:
                            ids[f.related_model].add(value)
                for relation in relations:
                    ids[relation.field.related_model].update(relation.ids(record))
        self.objets = {model: model._base_manager.in_bulk(pks) for model, pks in ids.items()}

    def liste(self, model, pks):
        return ", ".join(sorted(str(self.objets[model].get(pk, f"#{pk}")) for pk in pks)) or "—"

    def __call__(self, f, record):
        raw = getattr(record, f.attname)
        if f.is_relation:
            if raw is None:
                return "—"
            obj = self.objets[f.related_model].get(raw)
            return str(obj) if obj is not None else f"#{raw} (supprimé)"
        if f.flatchoices:
            return str(dict(f.flatchoices).get(raw, raw)) if raw not in (None, "") else "—"
        return valeur(raw)


def _diff(afficher, old, new, masquer, m2m=()):
    changes = []
    for f in _champs(new, masquer):
        if getattr(old, f.attname) != getattr(new, f.attname):
            changes.append(Changement(str(f.verbose_name), afficher(f, old), afficher(f, new)))
    for relation in m2m:
        if relation.field.name in masquer:
            continue
        avant, apres = relation.ids(old), relation.ids(new)
        if avant != apres:
            model = relation.field.related_model
            changes.append(
                Changement(str(relation.field.verbose_name), afficher.liste(model, avant), afficher.liste(model, apres))
            )
    return changes


def evenements(*sources, lecteur=None, masquer=frozenset(), depuis=None):
    """Merge history querysets into one timeline, newest first.

    Each source is `(historical_queryset, label)` where `label(record) -> str` names the object.
    `lecteur`: the user who reads it; each model's rule (`roubaix_cs.lecture`, the one its page
    follows) then hides the fields, many-to-many included, this reader may not read, and drops the
    sources of a model hidden whole. `masquer` adds field names hidden from every reader (what the
    page names elsewhere). `depuis`: changes before this moment are not listed (the reader could not
    read the record then); they still give the values the first listed change starts from.
    """
    loaded = []
    for queryset, label in sources:
        caches = champs_caches(lecteur, queryset.model) if lecteur is not None else frozenset()
        if TOUT in caches:
            continue
        m2m = _M2M.du_modele(queryset.model)
        queryset = queryset.select_related("history_user").prefetch_related(
            *(r.accessor for r in m2m if r.field.name not in caches | masquer)
        )
        loaded.append((list(queryset.order_by("history_date", "history_id")), label, caches | masquer, m2m))
    afficher = _Afficheur([(records, caches, m2m) for records, _, caches, m2m in loaded])
    timeline = []
    for records, label, caches, m2m in loaded:
        previous = {}
        for record in records:
            old = previous.get(record.id)
            changes = (
                _diff(afficher, old, record, caches, m2m) if old is not None and record.history_type == "~" else []
            )
            previous[record.id] = record
            if record.history_type == "~" and not changes:
                continue  # a save that changed nothing this reader may see
            if depuis is not None and record.history_date < depuis:
                continue
            timeline.append(
                Evenement(
                    date=record.history_date,
                    auteur=record.history_user,
                    objet=label(record),
                    action=ACTIONS[record.history_type],
                    changements=changes,
                    motif=record.history_change_reason or "",
                )
            )
    timeline.sort(key=lambda e: e.date, reverse=True)
    return timeline


def changements_depuis(instance, version_vue):
    """What changed in `instance` since `version_vue`, and who changed it (optimistic locking)."""
    history = instance.history.select_related("history_user").order_by("history_date", "history_id")
    records = list(history.filter(version__gte=version_vue))
    if not records:
        return {"auteurs": [], "date": None, "changements": []}
    seen = [r for r in records if r.version == version_vue]
    vue, actuelle = (seen[-1] if seen else records[0]), records[-1]
    records = records[records.index(vue) :]
    afficher = _Afficheur([([vue, actuelle], frozenset(), ())])
    auteurs = sorted({str(r.history_user) for r in records[1:] if r.history_user}) or ["un autre utilisateur"]
    return {
        "auteurs": auteurs,
        "date": actuelle.history_date,
        "changements": _diff(afficher, vue, actuelle, frozenset()),
    }
