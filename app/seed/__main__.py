"""`python -m app.seed`: the seed command line (see app.seed)."""

from app.seed import main

raise SystemExit(main())
