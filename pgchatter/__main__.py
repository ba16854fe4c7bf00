from pgchatter.cli import main

raise SystemExit(main())
