"""Words for the demo's peer reviews: a finished, agreed review and one in progress.

Written for this project; the schools and people are fictional. Each line of enquiry is
(question, improvement plan priority, context, evidence wanted); evidence entries are
(line index, activity, who, host partner, notes, theme); findings are per line.
"""

AGREED_SELF_EVALUATION = (
    "Since September 2025 we have taught a new systematic synthetic phonics programme from "
    "Reception to Year 2, with daily catch-up for pupils who fall behind. Our phonics screening "
    "check results rose from 71% to 83%, but we want to know whether pupils read fluently and "
    "with enjoyment, not only whether they decode. Our second priority is inclusion: a third of "
    "our pupils with SEND are in Years 3 and 4 and we have changed how teaching assistants work "
    "in mathematics lessons."
)

AGREED_LINES = [
    ("To what extent does our phonics programme help pupils in Years 1 and 2 to read fluently and with enjoyment?",
     "Priority 1: early reading",
     "New phonics programme since September 2025; all staff trained; daily keep-up sessions.",
     "Phonics lessons in Year 1 and Year 2; hearing pupils read; reading records; the book corner."),
    ("To what extent do pupils with SEND take a full part in mathematics lessons in Years 3 and 4?",
     "Priority 3: inclusion and SEND",
     "Teaching assistants now work with mixed groups rather than withdrawing pupils.",
     "Mathematics lessons in Years 3 and 4; pupil conversations; provision maps."),
]

AGREED_EVIDENCE_LEAD = [
    (0, "lesson_visit", "Year 1 class, teacher and teaching assistant", "Deputy head",
     "Brisk, well-structured phonics lesson. Every pupil practised the new sound several times and "
     "read decodable sentences. The teacher spotted two pupils who hesitated and moved them to the "
     "front.", "reading"),
    (0, "pupil_conversation", "Six Year 2 pupils", "English lead",
     "Pupils read their books accurately and talked happily about favourite stories. Two lower "
     "attaining readers were slow and lost the meaning of longer sentences.", "reading"),
    (0, "book_look", "Year 2 reading records", "English lead",
     "Reading records show home reading three or more times a week for most pupils, but a small "
     "group has no home reading recorded since half term.", "communication"),
    (1, "lesson_visit", "Year 4 mathematics lesson", "SENCo",
     "Pupils with SEND worked in mixed groups with concrete resources and were fully included. The "
     "teaching assistant questioned well but sometimes gave answers too quickly.", "send"),
    (1, "leader_meeting", "SENCo and mathematics lead", "Headteacher",
     "Leaders know the needs of each pupil well. Provision maps are detailed and reviewed termly.",
     "leadership"),
]

AGREED_EVIDENCE_MEMBER = [
    (0, "learning_walk", "Reception and Year 1 classrooms", "Deputy head",
     "Book corners are inviting and well stocked. Phonics sound mats are on every table and pupils "
     "used them without prompting.", "reading"),
    (0, "staff_conversation", "Two teaching assistants", "Deputy head",
     "Teaching assistants feel well trained in the new programme and value the weekly practice "
     "sessions.", "development"),
    (1, "pupil_conversation", "Four Year 3 pupils, including two with SEND", "SENCo",
     "Pupils said they like working with friends and that the cubes help them. One pupil said "
     "mathematics is hard but the teacher helps.", "send"),
    (1, "data", "Year 3 and 4 assessment summary", "Mathematics lead",
     "Pupils with SEND made progress in line with their peers this autumn, although attainment gaps "
     "remain in fluency with times tables.", "maths"),
]

AGREED_FINDINGS_LEAD = [
    ("Phonics teaching is consistent and well paced across Year 1 and Year 2. Pupils read decodable "
     "books accurately and speak with enthusiasm about reading.",
     "How do you make sure the slowest readers in Year 2 read enough, and often enough, to become fluent?"),
    ("Pupils with SEND are fully included in mathematics lessons and leaders know their needs well.",
     "When do teaching assistants step back so that pupils work things out for themselves?"),
]

AGREED_FINDINGS_MEMBER = [
    ("Classrooms promote reading well; staff are confident in the programme.",
     "Home reading for a small group of pupils has stopped."),
    ("Pupils with SEND feel supported and say the resources help them.",
     "Fluency with times tables remains a gap."),
]

AGREED_REPORT_SUMMARY = (
    "St Mary's has introduced its new phonics programme with real consistency, and pupils are "
    "already reading more accurately and with pleasure. Inclusion in mathematics is a strength of "
    "the school's culture. The next steps focus on the small group of slower readers in Year 2 and "
    "on building independence for pupils with SEND."
)

AGREED_REPORT_FINDINGS = [
    ("Phonics lessons are brisk, consistent and well structured in every class we visited. Pupils "
     "use sound mats independently, and book corners are inviting. Staff, including teaching "
     "assistants, are confident in the programme.",
     "The slowest readers in Year 2 read every day in school and their reading at home is picked up "
     "quickly when it stops."),
    ("Pupils with SEND work alongside their classmates with well-chosen resources and say they feel "
     "helped. Leaders know every pupil's needs and review provision each term.",
     "Teaching assistants give pupils more time to think before they help, so that pupils become "
     "more independent."),
]

# (action, owner, days after the review it is due)
AGREED_NEXT_STEPS = [
    ("Daily one-to-one reading for the ten slowest readers in Year 2, checked weekly by the English lead.",
     "English lead", 14),
    ("Contact the families of pupils with no home reading recorded and offer a reading workshop.",
     "Deputy head", 30),
    ("Teaching assistant training on wait time and scaffolded questioning in mathematics.",
     "SENCo", 60),
]

AGREED_HEAD_REPLY = (
    "Thank you to the review team for a thoughtful and supportive day. We agree with the findings. "
    "The Year 2 reading group started the week after the review, and the teaching assistant "
    "training is booked for the spring term INSET day."
)

IN_PROGRESS_SELF_EVALUATION = (
    "Attendance has improved since we started our family support work, but persistent absence "
    "is still above the national figure. Behaviour at lunchtime is our other focus: we have "
    "trained midday supervisors and added zoned play."
)

IN_PROGRESS_LINES = [
    ("To what extent does our family support work improve the attendance of persistently absent pupils?",
     "Priority 2: attendance",
     "Family support worker in post since January; weekly attendance panel.",
     "Attendance data; a conversation with the family support worker; the attendance panel minutes."),
    ("To what extent do lunchtimes help pupils to play well together?",
     "Priority 4: behaviour and personal development",
     "Zoned play and new equipment since September.",
     "Lunchtime on the playground; pupil conversations; behaviour logs."),
]

IN_PROGRESS_EVIDENCE_LEAD = [
    (0, "data", "Attendance figures for the autumn term", "Headteacher",
     "Persistent absence down from 19% to 14% over a year. Improvement is strongest in Year 5.",
     "attendance"),
    (1, "learning_walk", "Playground at lunchtime", "Assistant head",
     "Zones are clearly marked and well used. Midday supervisors lead games in the quiet zone; the "
     "football area is busy and one argument was sorted out quickly.", "lunchtimes"),
]

IN_PROGRESS_FINDINGS_LEAD = [
    ("Attendance is improving, most of all for the pupils the family support worker sees each week.", ""),
]
