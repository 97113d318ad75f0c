"""Pilotage's events of the personal calendar feeds (extension point `calendrier`): the meetings."""

from . import reunions


def evenements(user, today):
    return reunions.evenements_calendrier(user, today)
