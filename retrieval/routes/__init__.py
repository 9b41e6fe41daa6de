"""One module per kind of question. Each has `answer(question: Question) -> Answer | None`: an
answer when the question is its kind and the reports answer it, None to let the next route try.

Across reports (tried first, they decide their own scope):
    year_comparison   2023年和2024年存在的主要问题有什么不同？ → the section compared sentence by sentence
    prior_year        去年的报告里…是怎么写的？ → the previous year's wording
    year_over_year    和上年相比…变化了多少？ → both years' cells and the arithmetic
    across_bodies     哪个部门…最多？ / 所有报告合计… → one query over the facts of many reports
Inside the reports the question is scoped to:
    table_cells       numbers in the statistics tables
    narrative_numbers numbers the narrative states (…共受理申请21件)
    passages          wording: hybrid search, quoted sentence by sentence

A new question kind is a new module here and one line in retrieval/pipeline.py's route list.
"""
