from indexer.launch import main

raise SystemExit(main())
