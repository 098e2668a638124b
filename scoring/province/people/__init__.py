"""The province administrator's people pages: who has which role where, invitations, deactivation."""
