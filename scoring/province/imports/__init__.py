"""The province administrator's import pages: a rubric, a filled sheet, the job a confirmed import runs as."""
