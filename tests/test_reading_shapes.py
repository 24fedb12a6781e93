"""The shapes real lists take, one small case each: what is read as a paper (and with which
title), and what is not. The real files these come from are in tests/data/real/."""

from __future__ import annotations

import pytest

from paper2bib.digest import detect_format, parse_text

CASES = {
    "an HTML anchor and a nickname in brackets before a linked title": (
        '### 2016\n\n1. <span id = "01601">[Conv-AE]</span> [Learning Temporal Regularity in Video Sequences]'
        "(https://openaccess.thecvf.com/content_cvpr_2016/papers/Hasan_CVPR_2016_paper.pdf), `CVPR 16`.\n"
        '2. <span id = "01904">[Appearance-Motion Correspondence]</span> [Anomaly Detection in Video Sequence'
        " with Appearance-Motion Correspondence](http://openaccess.thecvf.com/content_ICCV_2019/papers/N.pdf),"
        " `ICCV 2019`.[code](https://github.com/nguyetn89/Anomaly_detection_ICCV2019)\n",
        [
            (None, "Learning Temporal Regularity in Video Sequences"),
            (None, "Anomaly Detection in Video Sequence with Appearance-Motion Correspondence"),
        ],
    ),
    "an emphasised venue tag before the title, an apostrophe year after it": (
        "## 2025\n\n- **[CVPR 25]** VoteFlow: Enforcing Local Rigidity in Self-Supervised Scene Flow"
        " [[2503.22328]](https://arxiv.org/abs/2503.22328)[[code]](https://github.com/tudelft-iv/VoteFlow)\n"
        "- **[[RA-L 25](https://ieeexplore.ieee.org/document/10887254)]** Flow4D: Leveraging 4D Voxel Network for"
        " LiDAR Scene Flow Estimation [[2407.07995]](https://arxiv.org/abs/2407.07995)\n"
        "- What Stops Learning-based 3D Registration from Working in the Real World? arxiv'2021"
        " [[paper]](https://arxiv.org/abs/2111.10399)\n",
        [
            ("2503.22328", "VoteFlow: Enforcing Local Rigidity in Self-Supervised Scene Flow"),
            ("2407.07995", "Flow4D: Leveraging 4D Voxel Network for LiDAR Scene Flow Estimation"),
            ("2111.10399", "What Stops Learning-based 3D Registration from Working in the Real World?"),
        ],
    ),
    "a list of papers: an item with no link is a paper too, a bold venue or status is not its title": (
        "## Time series\n\n- Anomaly Detection of Time Series | **[Thesis' 10]** | [`[pdf]`](https://x.edu/a.pdf)\n"
        "- Robust Anomaly Detection for Time Series | **[KDD' 19]** | [`[pdf]`](https://dl.acm.org/doi/10.1145/3292500)\n"
        "- Timeseries Anomaly Detection using Temporal Hierarchical One-Class Network | **[NeurIPS' 20]**\n"
        "- A Systematic Evaluation of Deep Anomaly Detection Methods | **Under Review** | [`[pdf]`](https://x.org/b.pdf)\n"
        "- Attribute Restoration Framework for Anomaly Detection | **[IEEE Transactions on Multimedia 21]** |"
        " [`[pdf]`](https://x.org/c.pdf)\n",
        [
            (None, "Anomaly Detection of Time Series"),
            (None, "Robust Anomaly Detection for Time Series"),
            (None, "Timeseries Anomaly Detection using Temporal Hierarchical One-Class Network"),
            (None, "A Systematic Evaluation of Deep Anomaly Detection Methods"),
            (None, "Attribute Restoration Framework for Anomaly Detection"),
        ],
    ),
    "a reading list kept as a table with a Title column": (
        "## Papers\n\n| Title | Venue | Year |\n|---|---|---|\n"
        "| Snow Removal in Video: A New Dataset and A Novel Method | ICCV | 2023 |\n"
        "| Cumulative Spatial Knowledge Distillation for Vision Transformers | ICCV | 2023 |\n",
        [
            (None, "Snow Removal in Video: A New Dataset and A Novel Method"),
            (None, "Cumulative Spatial Knowledge Distillation for Vision Transformers"),
        ],
    ),
    "what a reference writes after its title": (
        "## Papers\n\n* Distraction Is All You Need for Immunization. In CVPR, 2024.\n"
        "- Efficient Pre-Training by Cluster Masking, ICCV 2023\n"
        "- Parameter Efficient Geospatial Domain Adaptation. Chen H, Ren J, Gu J. CVPR 2024:13165-13176.\n"
        "- H. Chen, J. Ren, and J. Gu. Snow Removal in Video Streams. In ICCV, 2023.\n"
        "- Event Stream Visual Object Tracking — ICCV 2023 (oral)\n"
        "- communication-efficient federated learning with accelerated gradients - iccv 2023\n"
        "- Efficient Video Action Detection with Token Dropout, in Proc. ICCV 2023\n"
        "- Visual Traffic Knowledge Graph Generation (Accepted at ICCV 2023)\n",
        [
            (None, "Distraction Is All You Need for Immunization"),
            (None, "Efficient Pre-Training by Cluster Masking"),
            (None, "Parameter Efficient Geospatial Domain Adaptation"),
            (None, "Snow Removal in Video Streams"),
            (None, "Event Stream Visual Object Tracking"),
            (None, "communication-efficient federated learning with accelerated gradients"),
            (None, "Efficient Video Action Detection with Token Dropout"),
            (None, "Visual Traffic Knowledge Graph Generation"),
        ],
    ),
    "'by' inside a title, and a year that is not a venue's, are kept": (
        "## Papers\n\n- Learning by Doing in Robots\n- Forecasting the 2024 Elections with Polls\n",
        [(None, "Learning by Doing in Robots"), (None, "Forecasting the 2024 Elections with Polls")],
    ),
    "checkboxes, italics and a venue in brackets after the title": (
        "## Papers\n\n- [ ] *Snow Removal in Video: A New Dataset and A Novel Method* (ICCV 2023)\n"
        "- [x] Cumulative Spatial Knowledge Distillation for Vision Transformers (ICCV 2023)\n"
        "- Alpha (Beta) Networks for Gamma Tasks\n",
        [
            (None, "Snow Removal in Video: A New Dataset and A Novel Method"),
            (None, "Cumulative Spatial Knowledge Distillation for Vision Transformers"),
            (None, "Alpha (Beta) Networks for Gamma Tasks"),
        ],
    ),
    "authors and venue after a linked title": (
        "## Papers\n\n- [NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis]"
        "(https://www.matthewtancik.com/nerf), Mildenhall et al., ECCV 2020 | [github](https://github.com/bmild/nerf)\n"
        "- [Mip-NeRF: A Multiscale Representation for Anti-Aliasing Neural Radiance Fields]"
        "(https://jonbarron.info/mipnerf/), Barron et al., ICCV 2021\n",
        [
            (None, "NeRF: Representing Scenes as Neural Radiance Fields for View Synthesis"),
            (None, "Mip-NeRF: A Multiscale Representation for Anti-Aliasing Neural Radiance Fields"),
        ],
    ),
    "a list of other lists is not papers": (
        "## Other Papers\n\n- [Awesome-LLM-hallucination](https://github.com/x/Awesome-LLM-hallucination) - LLM"
        " hallucination paper list.\n- [LLMsPracticalGuide](https://github.com/x/LLMsPracticalGuide) - A curated list"
        " of practical guide resources of LLMs\n- [Chain-of-Thought Hub](https://github.com/x/cot-hub) - Measuring"
        " LLMs' Reasoning Performance\n- [Scaling Laws for Reward Model Overoptimization](https://arxiv.org/abs/2210.10760)\n",
        [("2210.10760", "Scaling Laws for Reward Model Overoptimization")],
    ),
    "a table row linking a title to its PDF": (
        "| Date | Paper |\n|---|---|\n| 2018-10 | [BERT: Pre-training of Deep Bidirectional Transformers for"
        " Language Understanding](https://aclanthology.org/N19-1423.pdf) |\n",
        [(None, "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding")],
    ),
    "a venue link is not the title": (
        "+ **Distortion Agnostic Deep Watermarking** [[CVPR 2020](https://arxiv.org/abs/2001.04580)]\n",
        [("2001.04580", "Distortion Agnostic Deep Watermarking")],
    ),
    "a citation in quotes after authors with initials": (
        'CVPR 2026 **H. Liu, B. Zou, Q. Liu**, "Unposed-to-3D: Learning Simulation-Ready Vehicles from'
        ' Real-World Images"\n',
        [(None, "Unposed-to-3D: Learning Simulation-Ready Vehicles from Real-World Images")],
    ),
    "APA": (
        "- Devlin, J., Chang, M.-W., Lee, K., & Toutanova, K. (2019). BERT: Pre-training of deep bidirectional"
        " transformers for language understanding. In Proceedings of NAACL-HLT (pp. 4171–4186).\n",
        [(None, "BERT: Pre-training of deep bidirectional transformers for language understanding")],
    ),
    "front matter names the paper a note is about": (
        '---\ntitle: "Paper page - Agent Workflow Memory"\nsource: "https://huggingface.co/papers/2409.07429"\n'
        'tags:\n  - "clippings"\n---\n## Abstract\n\nWe study how agents reuse workflows across tasks and show that memory of past routines helps.\n',
        [("2409.07429", "Agent Workflow Memory")],
    ),
    "titles under headings of a plain list": (
        "# Week 1\nAttention Is All You Need\nDeep Residual Learning for Image Recognition\n\n# Week 2\n"
        "Generative Adversarial Networks\nAdam: A Method for Stochastic Optimization\n",
        [
            (None, "Attention Is All You Need"),
            (None, "Deep Residual Learning for Image Recognition"),
            (None, "Generative Adversarial Networks"),
            (None, "Adam: A Method for Stochastic Optimization"),
        ],
    ),
    "several titles on one line": (
        "- Attention Is All You Need * Deep Residual Learning for Image Recognition * Generative Adversarial Nets\n",
        [
            (None, "Attention Is All You Need"),
            (None, "Deep Residual Learning for Image Recognition"),
            (None, "Generative Adversarial Nets"),
        ],
    ),
    "'by' before no list of names is part of the title": (
        "## Papers\n\n- Learning to Learn by Gradient Descent by Gradient Descent\n- Improving Language Understanding"
        " by Generative Pre-Training\n",
        [
            (None, "Learning to Learn by Gradient Descent by Gradient Descent"),
            (None, "Improving Language Understanding by Generative Pre-Training"),
        ],
    ),
    "a hard line break keeps title and link together": (
        "**Understanding Diffusion Models: A Unified Perspective** \\\n*Calvin Luo* \\\narXiv 2022."
        " [[Paper](https://arxiv.org/abs/2208.11970)] \\\n25 Aug 2022\n",
        [("2208.11970", "Understanding Diffusion Models: A Unified Perspective")],
    ),
    "a reference list's site suffixes, access dates and cut-off titles": (
        "1. ToolkenGPT: Augmenting Frozen Language Models with Massive ..., accessed July 11, 2025,"
        " [https://arxiv.org/pdf/2305.11554](https://arxiv.org/pdf/2305.11554)\n"
        "2. \\[2305.11554\\] ToolkenGPT: Augmenting Frozen Language Models with Massive Tools via Tool Embeddings"
        " \\- ar5iv, accessed July 11, 2025, [https://ar5iv.labs.arxiv.org/html/2305.11554](https://ar5iv.labs.arxiv.org/html/2305.11554)\n"
        "3. LaVague: Revolutionizing Web Interactions with LLM | by Elmo ..., accessed July 11, 2025,"
        " [https://medium.com/@elmo/lavague](https://medium.com/@elmo/lavague)\n",
        [("2305.11554", "ToolkenGPT: Augmenting Frozen Language Models with Massive Tools via Tool Embeddings")],
    ),
    "a CJK heading title, and a CJK link word is a label": (
        "## [Zetta：用于自进化物理智能的闭环具身控制框架](https://huggingface.co/papers/2608.16590)\n\n"
        "- [到 Huggingface 论文主页查看详情](https://huggingface.co/papers/2309.03409)\n",
        [("2608.16590", "Zetta：用于自进化物理智能的闭环具身控制框架"), ("2309.03409", None)],
    ),
    "a commented-out list is not shown, so not read": (
        "## Papers\n\n- [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n<!--\n"
        "- [Deep Residual Learning for Image Recognition](https://arxiv.org/abs/1512.03385)\n-->\n",
        [("1706.03762", "Attention Is All You Need")],
    ),
    "titles in Chinese title marks, with only their code": (
        "《Neural Camera Simulators》(CVPR 2021) GitHub: https://github.com/ken-ouyang/neural_image_simulator\n"
        "《Machine Unlearning》(2021) GitHub: https://github.com/cleverhans-lab/machine-unlearning\n",
        [(None, "Neural Camera Simulators"), (None, "Machine Unlearning")],
    ),
    "a bold title, its links on the lines below, authors after a hard break": (
        "**Adversarially Learned Inference**\n[(webpage)](https://ishmaelbelghazi.github.io/ALI)\n"
        "[(pdf)](https://arxiv.org/pdf/1606.00704.pdf)  \nDumoulin, V., Belghazi, I. and Courville, A.  \nICLR, 2017\n\n"
        "**Texture Synthesis by Nonparametric Sampling**<br>\n*A. A. Efros*, *T. K. Leung*<br>\n"
        "ICCV, 1999, [[pdf](https://www2.eecs.berkeley.edu/efros-iccv99.pdf)]\n\n"
        '<img src="hand.png" width="20"> **Avatar-Net: Multi-scale Zero-shot Style Transfer by Feature'
        "\nDecoration**<br>\n*Lu Sheng*<br>\nCVPR, 2018, [[pdf](https://arxiv.org/pdf/1805.03857.pdf)]\n",
        [
            ("1606.00704", "Adversarially Learned Inference"),
            (None, "Texture Synthesis by Nonparametric Sampling"),
            ("1805.03857", "Avatar-Net: Multi-scale Zero-shot Style Transfer by Feature Decoration"),
        ],
    ),
    "a bracketed bold title after an emoji code, its link labelled Paper": (
        ":white_check_mark: [**Deep Photo Style Transfer**] [[Paper]](https://arxiv.org/pdf/1703.07511.pdf)"
        "  *(CVPR 2017)*\n\n:white_check_mark: [**Fast Face-Swap Using Convolutional Neural Networks**]"
        " [[Paper]](http://openaccess.thecvf.com/content_ICCV_2017/papers/Korshunova_ICCV_2017_paper.pdf)\n",
        [("1703.07511", "Deep Photo Style Transfer"), (None, "Fast Face-Swap Using Convolutional Neural Networks")],
    ),
    "a news item about a paper is not its title": (
        "## News\n\n- [Apr, 2018] We have released a new version of the paper at: https://arxiv.org/pdf/1705.04058.pdf\n",
        [("1705.04058", None)],
    ),
    "a list of titles linking project pages, one on arXiv": (
        "## New this week\n* [1] [State of the Art on Neural Rendering](https://arxiv.org/abs/2004.03805)\n"
        "* [2] [Deep Single Image Portrait Relighting](https://zhhoper.github.io/dpr.html)\n"
        "* [3] [3D Photography using Context-aware Layered Depth Inpainting]"
        "(https://shihmengli.github.io/3D-Photo-Inpainting/)\n",
        [
            ("2004.03805", "State of the Art on Neural Rendering"),
            (None, "Deep Single Image Portrait Relighting"),
            (None, "3D Photography using Context-aware Layered Depth Inpainting"),
        ],
    ),
    "a post with a long slug beside a paper is not a paper": (
        "## Data\n1. [Revolutionizing Money Movements at Scale](https://eng.uber.com/money-scale-strong-data/)\n"
        "2. [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
        "3. [Deep Single Image Portrait Relighting](https://zhhoper.github.io/dpr.html)\n",
        [("1706.03762", "Attention Is All You Need")],
    ),
    "a post on a blog host beside a paper is not a paper": (
        "## Data\n1. [Data Mesh at Netflix](https://netflixtechblog.com/data-mesh)\n"
        "2. [Attention Is All You Need](https://arxiv.org/abs/1706.03762)\n"
        "3. [Deep Single Image Portrait Relighting](https://zhhoper.github.io/dpr.html)\n",
        [("1706.03762", "Attention Is All You Need")],
    ),
    "a title in italics, then its authors, after an emoji bullet": (
        "### foundational\n🔵 *Computing Machinery and Intelligence* by Alan Turing\n\n"
        "🔵 *Memorizing Transformers* - Yuhuai Wu et al.\n\n🔵 *End-to-End Arguments in System Design*"
        " - J.H. Saltzer, D.P. Reed, and D.D. Clark\n",
        [
            (None, "Computing Machinery and Intelligence"),
            (None, "Memorizing Transformers"),
            (None, "End-to-End Arguments in System Design"),
        ],
    ),
    "a blog is not a paper, wherever it is hosted": (
        "### Ilya 30u30 papers\n\n🔵 [**The First Law of Complexodynamics**](https://scottaaronson.blog/?p=762)\n\n"
        "🔵 [**Pointer Networks**](https://arxiv.org/pdf/1506.03134.pdf)\n\n"
        "🔵 [**Keeping Neural Networks Simple by Minimizing the Description Length of the Weights**]"
        "(https://www.cs.toronto.edu/~hinton/absps/colt93.pdf)\n",
        [
            ("1506.03134", "Pointer Networks"),
            (None, "Keeping Neural Networks Simple by Minimizing the Description Length of the Weights"),
        ],
    ),
    "reST references, after an introduction": (
        "References\n----------\n\nThis library implements ideas from the papers below.\n\n"
        '.. [1] A. Vaswani, N. Shazeer et al., "Attention is all you need," in NeurIPS, 2017.'
        " https://arxiv.org/abs/1706.03762\n"
        '.. [2] K. He, X. Zhang, S. Ren and J. Sun, "Deep Residual Learning for Image Recognition," in CVPR, 2016.\n',
        [("1706.03762", "Attention is all you need"), (None, "Deep Residual Learning for Image Recognition")],
    ),
    "a table's Paper column holds the title, its URL column the paper": (
        "## Convolutional GNNs\n### Based on graph Fourier transform\n"
        "| Number | GNN | Paper | Code | Journal or Conference | URL |\n|:--:|:--:|---|---|:--:|---|\n"
        "| 1 | Spectral CNN | Spectral Networks and Locally Connected Networks on Graphs | | ICLR 2014"
        " | https://openreview.net/forum?id=DQNsQf-UsoDBa |\n"
        "| 2 | | Deep Convolutional Networks on Graph-Structured Data | | | https://arxiv.org/abs/1506.05163 |\n"
        "| 3 | GCN | Semi-Supervised Classification with Graph Convolutional Networks | https://github.com/tkipf/gcn"
        " | ICLR 2017 | https://openreview.net/forum?id=SJU4ayYgl |\n",
        [
            (None, "Spectral Networks and Locally Connected Networks on Graphs"),
            ("1506.05163", "Deep Convolutional Networks on Graph-Structured Data"),  # not the section's heading
            (None, "Semi-Supervised Classification with Graph Convolutional Networks"),
        ],
    ),
    "a row without a title under a heading naming a group is untitled, not the heading": (
        "## Convolutional GNNs\n### Based on graph Fourier transform\n| Number | Name | URL |\n|---|---|---|\n"
        "| 1 | | https://arxiv.org/abs/1506.05163 |\n| 2 | GCN | https://openreview.net/forum?id=SJU4ayYgl |\n",
        [("1506.05163", None)],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_what_a_shape_gives(name):
    text, want = CASES[name]
    assert [(e.arxiv_id, e.title) for e in parse_text(text, "list.md")] == want


def test_media_fallback_text_is_never_a_title():
    html = (
        "<html><body><table><tr><td><video autoplay><source src='a.mp4'>Your browser does not support the video"
        " tag.</video></td><td><a href='https://proj.github.io'><span class='papertitle'>Zip-NeRF: Anti-Aliased"
        " Grid-Based Neural Radiance Fields</span></a><br><a href='https://arxiv.org/abs/2304.06706'>arXiv</a>"
        "</td></tr></table></body></html>"
    )
    (entry,) = parse_text(html, "page.html")
    assert (entry.arxiv_id, entry.title) == ("2304.06706", "Zip-NeRF: Anti-Aliased Grid-Based Neural Radiance Fields")


def test_an_org_reading_list_reads_its_headings_and_links():
    org = (
        "#+TITLE: Reading\n* Papers\n** TODO Attention Is All You Need :nlp:\n"
        "   [[https://arxiv.org/abs/1706.03762][arXiv]]\n"
        "** DONE [#A] Deep Residual Learning for Image Recognition\n"
        "   :PROPERTIES:\n   :ADDED: 2024-01-02\n   :END:\n"
        "   CVPR 2016, [[https://openaccess.thecvf.com/content_cvpr_2016/papers/He_CVPR_2016_paper.pdf][pdf]]\n"
        "** Generative Adversarial Networks\n* Notes\nSome notes about my week.\n"
        "#+begin_src bibtex\n@article{x, title={Not Here}}\n#+end_src\n"
    )
    assert detect_format(org) == "org"
    entries = parse_text(org, "reading.org")
    assert [(e.arxiv_id, e.title) for e in entries] == [
        ("1706.03762", "Attention Is All You Need"),
        (None, "Deep Residual Learning for Image Recognition"),
        (None, "Generative Adversarial Networks"),
    ]
    assert [link.url for link in entries[1].links] == [
        "https://openaccess.thecvf.com/content_cvpr_2016/papers/He_CVPR_2016_paper.pdf"
    ]


def test_a_markdown_list_with_double_bracket_links_is_not_org():
    text = "* [[arXiv]](https://arxiv.org/abs/1706.03762) Attention Is All You Need\n* Another item\n"
    assert detect_format(text) == "markdown"
