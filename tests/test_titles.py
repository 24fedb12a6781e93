"""Title against title: the same paper, or another one? (``resolver/titles.py``)

The pairs are real: renames between arXiv versions (``Communicative Agents for Software
Development`` became ``ChatDev: …``; ``Redco`` became ``RedCoast``), titles as reading lists
and bibliographies write them (plurals, hyphens, articles, ``π0`` for ``$\\pi_0$``), and real
look-alikes that are other papers (Gemma and Gemma 2, PointNet and PointNet++, π0 and π0.5,
Qwen2 and Qwen2.5, Attention Is All You Need and Attention is Not All You Need). Each row is
(the user's title, arXiv's title, the relation) and the arXiv id or ids it comes from.
"""

from __future__ import annotations

import pytest

from paper2bib.models import Entry, Record
from paper2bib.resolver.matching import decide
from paper2bib.resolver.titles import compare_titles, singular

SAME_PAPER = [  # title-only entries resolve on these
    # TeX or symbols written another way
    (
        "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
        "H$_2$O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language Models",
        "same",
    ),  # 2306.14048
    (
        "π0: A Vision-Language-Action Flow Model for General Robot Control",
        "$\\pi_0$: A Vision-Language-Action Flow Model for General Robot Control",
        "same",
    ),  # 2410.24164
    (
        "pi_0: A Vision-Language-Action Flow Model for General Robot Control",
        "$\\pi_0$: A Vision-Language-Action Flow Model for General Robot Control",
        "exact",
    ),
    (
        "∞Bench: Extending Long Context Evaluation Beyond 100K Tokens",
        "$\\infty$Bench: Extending Long Context Evaluation Beyond 100K Tokens",
        "exact",
    ),  # 2402.13718
    (
        "γ-MoD: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models",
        "$γ-$MoD: Exploring Mixture-of-Depth Adaptation for Multimodal Large Language Models",
        "exact",
    ),  # 2410.13859
    (
        "MoE^2: Optimizing Collaborative Inference for Edge Large Language Models",
        "MoE$^2$: Optimizing Collaborative Inference for Edge Large Language Models",
        "exact",
    ),  # 2501.09410
    (
        "α-CLIP: A CLIP Model Focusing on Wherever You Want",
        "Alpha-CLIP: A CLIP Model Focusing on Wherever You Want",
        "exact",
    ),  # 2312.03818
    (
        "$\\alpha$-CLIP: A CLIP Model Focusing on Wherever You Want",
        "Alpha-CLIP: A CLIP Model Focusing on Wherever You Want",
        "exact",
    ),
    (
        "{LoRA}: Low-Rank Adaptation of {Large Language Models",  # a brace lost in a .bib
        "LoRA: Low-Rank Adaptation of Large Language Models",
        "exact",
    ),  # 2106.09685
    # plurals, hyphens, articles, case
    (
        "Self Instruct: Aligning Language Model with Self Generated Instructions",
        "Self-Instruct: Aligning Language Models with Self-Generated Instructions",
        "same",
    ),  # 2212.10560
    (
        "MetaGPT: Meta Programming for Multi-Agent Collaborative Framework",
        "MetaGPT: Meta Programming for A Multi-Agent Collaborative Framework",
        "same",
    ),  # 2308.00352
    (
        "HuggingGPT: Solving AI Tasks with ChatGPT and its Friends in HuggingFace",
        "HuggingGPT: Solving AI Tasks with ChatGPT and its Friends in Hugging Face",
        "same",
    ),  # 2303.17580 v1
    (
        "BERT: Pretraining of Deep Bidirectional Transformers for Language Understanding",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
        "same",
    ),  # 1810.04805
    (
        "QLoRA: Efficient Fine-tuning of Quantized LLMs",
        "QLoRA: Efficient Finetuning of Quantized LLMs",
        "same",
    ),  # 2305.14314
    (
        "Tree of Thought: Deliberate Problem Solving with Large Language Models",
        "Tree of Thoughts: Deliberate Problem Solving with Large Language Models",
        "same",
    ),  # 2305.10601
    (
        "Mamba: Linear Time Sequence Modeling with Selective State Space",
        "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
        "same",
    ),  # 2312.00752
    ("Identity Mappings in Deep Residual Network", "Identity Mappings in Deep Residual Networks", "same"),  # 1603.05027
    ("Denoising Diffusion Probabilistic Model", "Denoising Diffusion Probabilistic Models", "same"),  # 2006.11239
    (
        "ReAct: Synergizing Reasoning and Acting in Language Model",
        "ReAct: Synergizing Reasoning and Acting in Language Models",
        "same",
    ),  # 2210.03629
    ("Language Models Are Few Shot Learners", "Language Models are Few-Shot Learners", "exact"),  # 2005.14165
    (
        "Chain of Thought Prompting Elicits Reasoning in Large Language Models",
        "Chain-of-Thought Prompting Elicits Reasoning in Large Language Models",
        "exact",
    ),  # 2201.11903
    (
        "Learning Multi-Agent Communication from Graph Modeling Perspective",
        "Learning Multi-Agent Communication from Graph Modeling Perspective",
        "exact",
    ),  # 2405.08550
    # a name put before the colon in a later version
    (
        "Communicative Agents for Software Development",
        "ChatDev: Communicative Agents for Software Development",
        "name-added",
    ),  # 2307.07924 v1-v3 → v4
    (
        "Long-Context Inference with Retrieval-Augmented Speculative Decoding",
        "RAPID: Long-Context Inference with Retrieval-Augmented Speculative Decoding",
        "name-added",
    ),  # 2502.20330
    (
        "Transparent Tracking & Triggering for Fine-grained Overlap of Compute & Collectives",
        "T3: Transparent Tracking & Triggering for Fine-grained Overlap of Compute & Collectives",
        "name-added",
    ),  # 2401.16677
    (
        "Segment Anything in Images and Videos",
        "SAM 2: Segment Anything in Images and Videos",
        "name-added",
    ),  # 2408.00714
]

SAME_PAPER_UNSURE = [  # an earlier title: ambiguous without an abstract, right paper first
    (
        "JaxMARL: Multi-Agent RL Environments in JAX",
        "JaxMARL: Multi-Agent RL Environments and Algorithms in JAX",
        "name-kept",
    ),  # 2311.10090 v1 → v2
    (
        "AutoGen: Enabling Next-Gen LLM Applications via Multi-Agent Conversation Framework",
        "AutoGen: Enabling Next-Gen LLM Applications via Multi-Agent Conversation",
        "name-kept",
    ),  # 2308.08155 v1 → v2
    (
        "Doing More with Less -- Implementing Routing Strategies in Large Language Model-Based Systems: An Extended Survey",
        "Doing More with Less: A Survey on Routing Strategies for Resource Optimisation in Large Language Model-Based Systems",
        "name-kept",
    ),  # 2502.00409
    (
        "Redco: A Lightweight Tool to Automate Distributed Training of LLMs on Any GPU/TPUs",
        "RedCoast: A Lightweight Tool to Automate Distributed Training of LLMs on Any GPU/TPUs",
        "name-changed",
    ),  # 2310.16355
]

OTHER_PAPER = [  # never one for the other
    ("Gemma Technical Report", "Gemma 2 Technical Report"),
    (
        "Gemma: Open Models Based on Gemini Research and Technology",
        "Gemma 2: Improving Open Language Models at a Practical Size",
    ),  # 2403.08295 / 2408.00118
    ("Qwen2 Technical Report", "Qwen2.5 Technical Report"),  # 2407.10671 / 2412.15115
    ("Qwen Technical Report", "Qwen2 Technical Report"),  # 2309.16609 / 2407.10671
    ("Qwen3 Technical Report", "Qwen Technical Report"),  # 2505.09388 / 2309.16609
    (
        "Textbooks Are All You Need",
        "Textbooks Are All You Need II: phi-1.5 technical report",
    ),  # 2306.11644 / 2309.05463
    (
        "Attention Is All You Need",
        "Attention is Not All You Need: Pure Attention Loses Rank Doubly Exponentially with Depth",
    ),  # 1706.03762 / 2103.03404
    (
        "PointNet: Deep Learning on Point Sets for 3D Classification and Segmentation",
        "PointNet++: Deep Hierarchical Feature Learning on Point Sets in a Metric Space",
    ),  # 1612.00593 / 1706.02413
    ("PointNet: Deep Learning on Point Sets", "PointNet++: Deep Learning on Point Sets"),  # the ++ alone
    ("Segment Anything", "SAM 2: Segment Anything in Images and Videos"),  # 2304.02643 / 2408.00714
    (
        "Denoising Diffusion Probabilistic Models",
        "Improved Denoising Diffusion Probabilistic Models",
    ),  # 2006.11239 / 2102.09672
    (
        "3D Gaussian Splatting for Real-Time Radiance Field Rendering",
        "4D Gaussian Splatting for Real-Time Dynamic Scene Rendering",
    ),  # 2308.04079 / 2310.08528
    (
        "Llama 2: Open Foundation and Fine-Tuned Chat Models",
        "LLaMA: Open and Efficient Foundation Language Models",
    ),  # 2307.09288 / 2302.13971
    (
        "Tree of Thoughts: Deliberate Problem Solving with Large Language Models",
        "Graph of Thoughts: Solving Elaborate Problems with Large Language Models",
    ),  # 2305.10601 / 2308.09687
    ("Visual Instruction Tuning", "Improved Baselines with Visual Instruction Tuning"),  # 2304.08485 / 2310.03744
    (
        "π0: A Vision-Language-Action Flow Model for General Robot Control",
        "$\\pi_{0.5}$: a Vision-Language-Action Model with Open-World Generalization",
    ),  # 2410.24164 / 2504.16054
    ("π0: A Vision-Language-Action Model", "$\\pi_{0.5}$: A Vision-Language-Action Model"),  # the version alone
    (
        "FuseChat: Knowledge Fusion of Chat Models",
        "Knowledge Fusion of Chat LLMs: A Preliminary Technical Report",
    ),  # 2408.07990 / 2402.16107
    (
        "Learning Multi-Agent Communication from Graph Modeling Perspective",
        "Communication Learning in Multi-Agent Systems from Graph Modeling Perspective",
    ),  # 2405.08550 / 2411.00382
    ("GPT-4 Technical Report", "GPT-4o System Card"),  # 2303.08774 / 2410.21276
    (
        "Deep Residual Learning for Image Recognition",
        "Identity Mappings in Deep Residual Networks",
    ),  # 1512.03385 / 1603.05027
    (
        "Scaling Laws for Neural Language Models",
        "Scaling Laws for Autoregressive Generative Modeling",
    ),  # 2001.08361 / 2010.14701
    (
        "Textbooks Are All You Need II: phi-1.5 technical report",
        "Phi-3 Technical Report: A Highly Capable Language Model Locally on Your Phone",
    ),  # 2309.05463 / 2404.14219
    ("Mistral 7B", "Mixtral of Experts"),  # 2310.06825 / 2401.04088
    (
        "Large Language Model Adaptation for Networking",
        "NetLLM: Adapting Large Language Models for Networking",
    ),  # 2402.02338's v1 title: only its abstract can tell
    # extra content words: the kinds of near miss a crowded search returns
    ("Visual Instruction Tuning", "Visual Instruction Tuning for Robots"),
    ("Denoising Diffusion Probabilistic Models", "Denoising Diffusion Probabilistic Models Revisited"),
    ("Segment Anything", "Segment Anything in 3D Point Clouds"),
    (
        "Communicative Agents for Software Development",
        "Revisiting ChatDev: Communicative Agents for Software Development",
    ),
    (
        "Communicative Agents for Software Development",
        "ChatDev: Communicative Agents for Software Development: A Survey",
    ),
    ("ChatDev: Communicative Agents for Software Development", "ChatDev3: Lessons from Deployment"),
]


@pytest.mark.parametrize(("user", "arxiv", "kind"), SAME_PAPER + SAME_PAPER_UNSURE)
def test_the_same_paper_under_another_spelling(user, arxiv, kind):
    match = compare_titles(user, arxiv)
    assert match.kind == kind, match.why


@pytest.mark.parametrize(("user", "arxiv"), OTHER_PAPER)
def test_another_paper_is_never_the_same_title(user, arxiv):
    for a, b in ((user, arxiv), (arxiv, user)):
        match = compare_titles(a, b)
        assert match.kind in ("name-kept", "different"), (a, b, match)
        assert match.kind == "different" or match.shared < 1


def test_the_table_is_big_enough():
    assert len(SAME_PAPER) + len(SAME_PAPER_UNSURE) + len(OTHER_PAPER) >= 40


def _rec(arxiv_id: str, title: str, authors: tuple[str, ...] = ("A. Author",)) -> Record:
    return Record(arxiv_id, 1, title, authors, "An abstract.", "2024-01-01")


@pytest.mark.parametrize(("user", "arxiv", "kind"), SAME_PAPER)
def test_a_title_only_entry_resolves_to_its_paper_among_the_look_alikes(user, arxiv, kind):
    others = [b for _, b in OTHER_PAPER if b != arxiv]  # the table's other titles, as rivals
    pool = [_rec("2401.00001", arxiv), *(_rec(f"2401.{i:05d}", b) for i, b in enumerate(others, 100))]
    pool += [_rec("2401.09001", f"Revisiting {arxiv}"), _rec("2401.09002", f"{arxiv} for Robotics")]
    res = decide(Entry(title=user), pool)
    assert (res.status, res.arxiv_id) == ("resolved", "2401.00001"), res.why


@pytest.mark.parametrize(("user", "arxiv", "kind"), SAME_PAPER_UNSURE)
def test_an_earlier_title_is_ambiguous_with_its_paper_first(user, arxiv, kind):
    pool = [_rec("2401.00001", arxiv), _rec("2401.09001", f"{arxiv}: A Survey"), _rec("2401.09002", f"Towards {arxiv}")]
    res = decide(Entry(title=user), pool)
    assert res.status == "ambiguous" and res.candidates[0].arxiv_id == "2401.00001", res.why
    assert "pin it" in res.why


@pytest.mark.parametrize(("user", "arxiv"), OTHER_PAPER)
def test_a_look_alike_alone_leaves_the_title_unresolved(user, arxiv):
    res = decide(Entry(title=user), [_rec("2401.00001", arxiv)])
    assert res.status in ("unresolved", "ambiguous") and res.arxiv_id is None
    if res.status == "ambiguous":  # only a kept name: shown, never taken
        assert compare_titles(user, arxiv).kind == "name-kept"


def test_authors_confirm_an_earlier_title_or_veto_a_same_one():
    old = "JaxMARL: Multi-Agent RL Environments in JAX"
    real = _rec(
        "2311.10090",
        "JaxMARL: Multi-Agent RL Environments and Algorithms in JAX",
        ("Alexander Rutherford", "Benjamin Ellis"),
    )
    decoy = _rec("2311.90001", "JaxMARL: Multi-Agent RL Environments at Scale", ("Someone Else",))
    confirmed = decide(Entry(title=old, authors=("Rutherford, Alexander", "Ellis, Benjamin")), [real, decoy])
    assert (confirmed.status, confirmed.arxiv_id) == ("resolved", "2311.10090")
    assert "the digest's authors" in confirmed.why
    # the same title, but by none of the entry's authors: not taken
    vetoed = decide(Entry(title=real.title, authors=("Nobody, Known",)), [real])
    assert vetoed.status == "ambiguous" and "none of the digest's authors" in vetoed.why


def test_several_same_titles_are_ambiguous_but_an_exact_one_wins():
    plural = _rec("2401.00002", "Denoising Diffusion Probabilistic Models")
    singular_ = _rec("2401.00003", "Denoising Diffusion Probabilistic Model")
    assert decide(Entry(title="Denoising Diffusion Probabilistic Model"), [plural, singular_]).arxiv_id == "2401.00003"
    both = decide(Entry(title="denoising diffusion probabilistic modelS."), [plural, _rec("2401.00004", plural.title)])
    assert both.status == "ambiguous" and {c.arxiv_id for c in both.candidates} == {"2401.00002", "2401.00004"}


def test_the_name_others_are_about_is_the_paper():
    x = "Communicative Agents for Software Development"
    pool = [
        _rec("2307.07924", f"ChatDev: {x}"),
        _rec("2401.09001", f"ChatDev++: {x}"),
        _rec("2401.09002", f"Towards ChatDev: {x}"),
    ]
    res = decide(Entry(title=x), pool)
    assert (res.status, res.arxiv_id) == ("resolved", "2307.07924"), res.why
    assert "adds the name 'chatdev' before the colon" in res.why


@pytest.mark.parametrize(
    ("word", "one"),
    [
        ("models", "model"),
        ("studies", "study"),
        ("processes", "process"),
        ("process", "process"),
        ("analysis", "analysis"),
        ("focus", "focus"),
        ("corpus", "corpus"),
        ("llms", "llm"),
        ("bias", "bia"),
        ("3d", "3d"),
    ],
)
def test_singular_is_conservative(word, one):
    assert singular(word) == one


def test_the_why_says_which_minor_difference():
    assert compare_titles("H2O: Heavy-Hitter Oracle", "H$_2$O: Heavy-Hitter Oracle").why == (
        "same title but for: words joined or split"
    )
    assert compare_titles("Agents for Multi-Agent Work", "Agents for A Multi-Agent Works").why == (
        "same title but for: plural, small words a"
    )


def test_an_abstract_settles_an_earlier_title_that_keeps_its_name(seed_records):
    from conftest import record_from_json

    d = next(r for r in seed_records if r["id"] == "2311.10090")
    rec = record_from_json(d)
    old_title = "JaxMARL: Multi-Agent RL Environments in JAX"
    revised = d["summary"][: len(d["summary"]) - 350]  # an earlier version's shorter abstract
    crowd = [_rec("2401.09001", f"{rec.title}: A Survey"), _rec("2401.09002", "Multi-Agent RL Environments in JAX")]
    res = decide(Entry(title=old_title, abstract=revised), [rec, *crowd])
    assert 0.85 <= res.candidates[0].abstract_score < 0.90
    assert (res.status, res.arxiv_id) == ("resolved", "2311.10090"), res.why
    assert "same name 'jaxmarl' before the colon" in res.why
    # the same abstract under a title that is another paper's is not enough
    other = decide(Entry(title="Gemma 2 Technical Report", abstract=revised), [rec])
    assert other.status != "resolved"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Qian, Chen", "Chen Qian"),
        ("van der Maaten, Laurens", "Laurens van der Maaten"),
        ("Ré, Christopher", "Christopher Re"),
        ("Smith, Jr., John", "John Smith Jr."),
    ],
)
def test_a_surname_is_the_same_however_a_name_is_written(a, b):
    from paper2bib.resolver.matching import surname

    assert surname(a) == surname(b) != ""


def test_the_same_words_in_another_order_are_another_title():
    assert compare_titles("Neural Graph Models", "Graph Neural Models").kind == "different"
    # the words of one aligned block, reordered around a small word
    assert compare_titles("Graph Neural Learning for Deep", "Learning Deep for Graph Neural").kind == "different"
