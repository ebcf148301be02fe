from django.contrib.auth.backends import ModelBackend

from .scope import current_positions, role_permission_codes


class PositionBackend(ModelBackend):
    """Permissions come from the roles of the user's current positions."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_position_perm_cache"):
            if user_obj.is_superuser:
                perms = super().get_all_permissions(user_obj)
            else:
                perms = set()
                for position in current_positions(user_obj):
                    perms |= role_permission_codes(position.role)
            user_obj._position_perm_cache = perms
        return user_obj._position_perm_cache

    def has_perm(self, user_obj, perm, obj=None):
        return user_obj.is_active and perm in self.get_all_permissions(user_obj, obj=obj)
