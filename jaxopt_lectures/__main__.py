"""``python -m jaxopt_lectures`` is the ``jaxopt-lectures`` command."""

from .cli import main

raise SystemExit(main())
