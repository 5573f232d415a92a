"""NLP stage: spaCy components that find actors, sources and attributed claims."""
