"""The translation workflow: translatable units, XLIFF 2.0 export and import, pseudo-locales, coverage.

- :mod:`.units` lists every translatable unit of the course (with stable ids) and any existing translation;
- :mod:`.xliff` writes and reads XLIFF 2.0 files; :mod:`.merge` checks the translations and writes them back
  into ``course_src/`` without touching anything that did not change;
- :mod:`.pseudo` makes the pseudo-locales ``en-XA`` and ``ar-XB`` in memory;
- :mod:`.status` reports coverage per language and module.
"""
