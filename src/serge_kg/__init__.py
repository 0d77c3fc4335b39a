"""serge-kg: a linked-data knowledge graph of the life and works of Victor Serge (1890-1947)."""

__version__ = "0.1.0"
