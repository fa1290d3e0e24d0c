"""The only way the web application changes data: one module per subject, each public function
a write that validates its input with a form (:mod:`..forms`) and changes rows inside one
:class:`~poam.web.workbench.history.UnitOfWork` (history, who, when, why, revision bump).

``tests/web/test_services.py`` calls every public function here and proves that each one goes
through a unit of work; pages, the API and the demo call these and nothing else to write.
"""
