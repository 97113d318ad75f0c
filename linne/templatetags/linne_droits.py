"""What a template may show of Espace Linné to its reader, asked of comptes.permissions (never a role
compared in a template)."""

from django import template

from comptes.permissions import can_manage_linne

register = template.Library()


@register.filter
def gere_linne(user):
    """Whether `user` runs Espace Linné (the service): the attendance, the rota and the safety register."""
    return can_manage_linne(user)
