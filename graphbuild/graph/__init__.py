"""Graph stage: records -> RDF (:mod:`graphbuild.graph.rdf`) and networkx (:mod:`graphbuild.graph.kg`).

Nothing is imported here eagerly, so ``import graphbuild.graph`` stays cheap; use the submodules.
"""
