"""The one seam between database rows and the core model, in two halves.

- :mod:`.read`: rows -> the core's ``Ssp`` and ``Poam`` (a :class:`~.read.Snapshot`), in a
  fixed number of queries, as typed frozen records (:mod:`.rows`);
- :mod:`.write`: core objects -> rows, inside a unit of work (imports and the demo).

Neither half imports the other (an import contract says so).
"""
