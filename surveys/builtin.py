"""The built-in questionnaires each partnership gets an editable copy of.

The parent survey uses Ofsted Parent View's 2019 - November 2025 items and answer options
(published question wording). The staff survey covers the areas the DfE Education Staff
Wellbeing Charter names; the pupil survey is in simple words. Welsh wording is ours.
"""
from __future__ import annotations

from dataclasses import dataclass, field

AGREE = "agree"


@dataclass(frozen=True)
class BuiltinItem:
    key: str
    kind: str
    en: str
    cy: str
    required: bool = False
    hint_en: str | None = None
    hint_cy: str | None = None
    options: dict = field(default_factory=dict)
    condition: dict | None = None


@dataclass(frozen=True)
class BuiltinSection:
    en: str
    cy: str
    items: tuple[BuiltinItem, ...]


@dataclass(frozen=True)
class BuiltinTemplate:
    key: str
    audience: str
    title_en: str
    title_cy: str
    intro_en: str
    intro_cy: str
    sections: tuple[BuiltinSection, ...]


PARENT_VIEW = BuiltinTemplate(
    key="parent_view",
    audience="parents",
    title_en="Parent and carer survey",
    title_cy="Arolwg rhieni a gofalwyr",
    intro_en=(
        "Tell us what you think of your child's school. It takes about five minutes. "
        "Your answers are anonymous: we do not ask your name, and results are only shown "
        "for groups large enough that no one can be picked out."
    ),
    intro_cy=(
        "Dywedwch wrthym beth yw eich barn am ysgol eich plentyn. Mae'n cymryd tua phum munud. "
        "Mae eich atebion yn ddienw: nid ydym yn gofyn eich enw, a dim ond ar gyfer grwpiau "
        "sy'n ddigon mawr fel na ellir adnabod neb y dangosir canlyniadau."
    ),
    sections=(
        BuiltinSection("Your child at school", "Eich plentyn yn yr ysgol", (
            BuiltinItem("pv1", AGREE, "My child is happy at this school.", "Mae fy mhlentyn yn hapus yn yr ysgol hon."),
            BuiltinItem("pv2", AGREE, "My child feels safe at this school.", "Mae fy mhlentyn yn teimlo'n ddiogel yn yr ysgol hon."),
            BuiltinItem("pv3", AGREE, "The school makes sure its pupils are well behaved.", "Mae'r ysgol yn sicrhau bod ei disgyblion yn ymddwyn yn dda."),
            BuiltinItem(
                "pv4", AGREE,
                "My child has been bullied and the school dealt with the bullying quickly and effectively.",
                "Mae fy mhlentyn wedi cael ei fwlio ac ymdriniodd yr ysgol â'r bwlio yn gyflym ac yn effeithiol.",
                options={"extra": [{"value": "not_bullied", "en": "My child has not been bullied", "cy": "Nid yw fy mhlentyn wedi cael ei fwlio"}]},
            ),
            BuiltinItem("pv5", AGREE, "The school makes me aware of what my child will learn during the year.", "Mae'r ysgol yn rhoi gwybod i mi beth fydd fy mhlentyn yn ei ddysgu yn ystod y flwyddyn."),
            BuiltinItem(
                "pv6", AGREE,
                "When I have raised concerns with the school they have been dealt with properly.",
                "Pan fyddaf wedi codi pryderon gyda'r ysgol, maen nhw wedi cael eu trin yn iawn.",
                options={"extra": [{"value": "no_concerns", "en": "I have not raised any concerns", "cy": "Nid wyf wedi codi unrhyw bryderon"}]},
            ),
        )),
        BuiltinSection("Special educational needs", "Anghenion addysgol arbennig", (
            BuiltinItem("pv7", "yes_no", "Does your child have special educational needs and/or disabilities?", "Oes gan eich plentyn anghenion addysgol arbennig a/neu anableddau?"),
            BuiltinItem(
                "pv7a", AGREE,
                "My child has SEND, and the school gives them the support they need to succeed.",
                "Mae gan fy mhlentyn AAA, ac mae'r ysgol yn rhoi'r cymorth sydd ei angen arnynt i lwyddo.",
                condition={"key": "pv7", "equals": "yes"},
            ),
        )),
        BuiltinSection("Learning and wider development", "Dysgu a datblygiad ehangach", (
            BuiltinItem("pv8", AGREE, "The school has high expectations for my child.", "Mae gan yr ysgol ddisgwyliadau uchel ar gyfer fy mhlentyn."),
            BuiltinItem("pv9", AGREE, "My child does well at this school.", "Mae fy mhlentyn yn gwneud yn dda yn yr ysgol hon."),
            BuiltinItem("pv10", AGREE, "The school lets me know how my child is doing.", "Mae'r ysgol yn rhoi gwybod i mi sut mae fy mhlentyn yn dod yn ei flaen."),
            BuiltinItem("pv11", AGREE, "There is a good range of subjects available to my child at this school.", "Mae ystod dda o bynciau ar gael i fy mhlentyn yn yr ysgol hon."),
            BuiltinItem("pv12", AGREE, "My child can take part in clubs and activities at this school.", "Gall fy mhlentyn gymryd rhan mewn clybiau a gweithgareddau yn yr ysgol hon."),
            BuiltinItem("pv13", AGREE, "The school supports my child's wider personal development.", "Mae'r ysgol yn cefnogi datblygiad personol ehangach fy mhlentyn."),
            BuiltinItem(
                "pv14", "yes_no", "I would recommend this school to another parent.", "Byddwn yn argymell yr ysgol hon i riant arall.",
                options={"yes_is_positive": True},
            ),
        )),
        BuiltinSection("In your own words", "Yn eich geiriau eich hun", (
            BuiltinItem(
                "pv_comments", "long_text",
                "Is there anything else you would like to tell the school?",
                "Oes unrhyw beth arall yr hoffech ei ddweud wrth yr ysgol?",
                hint_en="Please do not include names. Anything that identifies a person is removed before the school sees it.",
                hint_cy="Peidiwch â chynnwys enwau. Caiff unrhyw beth sy'n adnabod person ei dynnu cyn i'r ysgol ei weld.",
            ),
        )),
    ),
)


STAFF_WELLBEING = BuiltinTemplate(
    key="staff_wellbeing",
    audience="staff",
    title_en="Staff wellbeing and workload survey",
    title_cy="Arolwg llesiant a llwyth gwaith staff",
    intro_en=(
        "This survey is anonymous. It does not ask for your name, role or how long you have "
        "worked here, it does not record who answered, and results are only shown for groups "
        "large enough that no one can be picked out. Comments have names removed."
    ),
    intro_cy=(
        "Mae'r arolwg hwn yn ddienw. Nid yw'n gofyn am eich enw, eich rôl na pha mor hir rydych "
        "wedi gweithio yma, nid yw'n cofnodi pwy atebodd, a dim ond ar gyfer grwpiau sy'n ddigon "
        "mawr fel na ellir adnabod neb y dangosir canlyniadau. Caiff enwau eu tynnu o sylwadau."
    ),
    sections=(
        BuiltinSection("Workload", "Llwyth gwaith", (
            BuiltinItem("st_workload_policies", AGREE,
                        "Leaders take workload into account when developing and implementing policies and procedures, so as to avoid placing unnecessary burdens on staff.",
                        "Mae arweinwyr yn ystyried llwyth gwaith wrth ddatblygu a gweithredu polisïau a gweithdrefnau, er mwyn osgoi rhoi beichiau diangen ar staff."),
            BuiltinItem("st_workload_manageable", AGREE, "My workload is manageable.", "Mae fy llwyth gwaith yn hylaw."),
            BuiltinItem("st_balance", AGREE, "I can keep a reasonable balance between my work and my life outside work.", "Gallaf gadw cydbwysedd rhesymol rhwng fy ngwaith a fy mywyd y tu allan i'r gwaith."),
        )),
        BuiltinSection("Wellbeing", "Llesiant", (
            BuiltinItem("st_enjoy", AGREE, "I enjoy working at this school.", "Rwy'n mwynhau gweithio yn yr ysgol hon."),
            BuiltinItem("st_wellbeing_cared", AGREE, "The school cares about my wellbeing.", "Mae'r ysgol yn gofalu am fy llesiant."),
            BuiltinItem("st_wellbeing_rating", "rating",
                        "On a scale of 0 to 10, how would you rate your wellbeing at work at the moment?",
                        "Ar raddfa o 0 i 10, sut fyddech chi'n sgorio eich llesiant yn y gwaith ar hyn o bryd?",
                        hint_en="0 is very poor, 10 is excellent.", hint_cy="Mae 0 yn wael iawn, mae 10 yn ardderchog."),
        )),
        BuiltinSection("Leadership and support", "Arweinyddiaeth a chymorth", (
            BuiltinItem("st_leaders_support", AGREE, "Leaders support me to do my job well.", "Mae arweinwyr yn fy nghefnogi i wneud fy ngwaith yn dda."),
            BuiltinItem("st_behaviour_support", AGREE, "Leaders support staff well in managing pupils' behaviour.", "Mae arweinwyr yn cefnogi staff yn dda i reoli ymddygiad disgyblion."),
            BuiltinItem("st_trusted", AGREE, "I am trusted to try new approaches, and it is fine if they do not always work.", "Mae ymddiriedaeth ynof i roi cynnig ar ddulliau newydd, ac mae'n iawn os nad ydynt bob amser yn gweithio."),
        )),
        BuiltinSection("Development and being heard", "Datblygiad a chael eich clywed", (
            BuiltinItem("st_cpd", AGREE, "I have good opportunities for professional development.", "Mae gennyf gyfleoedd da ar gyfer datblygiad proffesiynol."),
            BuiltinItem("st_consulted", AGREE, "Leaders consult staff before making decisions that affect them.", "Mae arweinwyr yn ymgynghori â staff cyn gwneud penderfyniadau sy'n effeithio arnynt."),
            BuiltinItem("st_proud", AGREE, "I am proud to work at this school.", "Rwy'n falch o weithio yn yr ysgol hon."),
        )),
        BuiltinSection("In your own words", "Yn eich geiriau eich hun", (
            BuiltinItem("st_well", "long_text", "What does the school do well for staff?", "Beth mae'r ysgol yn ei wneud yn dda i staff?",
                        hint_en="Please do not include names.", hint_cy="Peidiwch â chynnwys enwau."),
            BuiltinItem("st_change", "long_text", "What one change would most improve your working life here?", "Pa un newid fyddai'n gwella eich bywyd gwaith yma fwyaf?",
                        hint_en="Please do not include names.", hint_cy="Peidiwch â chynnwys enwau."),
        )),
    ),
)


PUPIL_VOICE = BuiltinTemplate(
    key="pupil_voice",
    audience="pupils",
    title_en="What do you think of your school?",
    title_cy="Beth yw dy farn di am dy ysgol?",
    intro_en="We want to know what you think. Nobody will know which answers are yours. There are no right or wrong answers.",
    intro_cy="Rydyn ni eisiau gwybod beth rwyt ti'n ei feddwl. Fydd neb yn gwybod pa atebion sy'n perthyn i ti. Does dim atebion cywir nac anghywir.",
    sections=(
        BuiltinSection("At school", "Yn yr ysgol", (
            BuiltinItem("pu_happy", "faces", "How do you feel at school?", "Sut wyt ti'n teimlo yn yr ysgol?"),
            BuiltinItem("pu_safe", "faces", "How safe do you feel at school?", "Pa mor ddiogel wyt ti'n teimlo yn yr ysgol?"),
            BuiltinItem("pu_learning", "faces", "How do you feel about your learning?", "Sut wyt ti'n teimlo am dy ddysgu?"),
            BuiltinItem("pu_adult", "yes_no", "Is there an adult at school you can talk to if you are worried?", "Oes oedolyn yn yr ysgol y gallet ti siarad ag ef neu hi os wyt ti'n poeni?",
                        options={"dont_know": True, "yes_is_positive": True}),
            BuiltinItem("pu_kind", "faces", "How kind are other children to you?", "Pa mor garedig yw plant eraill i ti?"),
        )),
        BuiltinSection("Your ideas", "Dy syniadau di", (
            BuiltinItem("pu_best", "long_text", "What is the best thing about your school?", "Beth yw'r peth gorau am dy ysgol?",
                        hint_en="Please do not write anyone's name.", hint_cy="Paid ag ysgrifennu enw neb."),
            BuiltinItem("pu_wish", "long_text", "If you could change one thing, what would it be?", "Petaet ti'n gallu newid un peth, beth fyddai hwnnw?",
                        hint_en="Please do not write anyone's name.", hint_cy="Paid ag ysgrifennu enw neb."),
        )),
    ),
)

BUILTIN_TEMPLATES: tuple[BuiltinTemplate, ...] = (PARENT_VIEW, STAFF_WELLBEING, PUPIL_VOICE)
