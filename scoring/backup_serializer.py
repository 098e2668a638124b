"""The backup's JSON: Django's own, with each related row's natural key worked out once per dump.

`dumpdata --natural-foreign` asks every row for the natural key of each row it points at: a score's
criterion, that criterion's rubric, the rubric's bloc — three queries a score, tens of thousands for a
small province on PostgreSQL. The keys are the same for every row pointing at one criterion or user, so
this serializer remembers them for the length of one dump. The output is the same, byte for byte
(tests/test_backups.py), and loads with Django's own `json` deserializer.
"""

from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import Serializer as JSONSerializer


class Serializer(JSONSerializer):
    def start_serialization(self):
        super().start_serialization()
        self._natural_keys: dict[tuple, tuple] = {}

    def handle_fk_field(self, obj, field):
        if not (self.use_natural_foreign_keys and hasattr(field.remote_field.model, "natural_key")):
            return super().handle_fk_field(obj, field)
        value = getattr(obj, field.attname)
        if value is None:
            self._current[field.name] = None
            return
        key = (field.remote_field.model, value)
        if key not in self._natural_keys:
            self._natural_keys[key] = getattr(obj, field.name).natural_key()
        self._current[field.name] = self._natural_keys[key]


Deserializer = JSONDeserializer
