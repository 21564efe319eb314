"""Pages of rectification, one module per audience and matter:

- `views.findings`: the team's findings (问题底稿);
- `views.notices`: the team's (and the office's) immediate-rectification notices (立行立改);
- `views.ledger`: the team's and the office's feedback, ledger, exports, and overdue list;
- `views.liaison`: the inspected organisation's liaison: their notices and ledger items (/target/).
"""
