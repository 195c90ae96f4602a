"""Free-text answers for the demo surveys, written for this project (fictional schools and
people). Some include names, emails or phone numbers on purpose, to show redaction."""

STAFF_WELL = [
    "Leaders are approachable and the door is always open when something goes wrong.",
    "The new marking policy has genuinely cut my workload. Thank you for listening.",
    "Colleagues in my phase team are brilliant and we share planning, which saves hours.",
    "CPD this year has been excellent, especially the reading sessions with the trust.",
    "Behaviour support from the pastoral team has improved a lot since September.",
    "I feel trusted to try things in my classroom without being micromanaged.",
    "Wellbeing afternoons are appreciated and the staffroom feels friendly.",
    "Mrs Okafor always makes time to check in on new staff.",
    "Good communication from the office team and clear weekly bulletins.",
    "Support for early career teachers is strong and mentoring time is protected.",
    "The senior team model the behaviour they expect and are visible at break.",
    "Data drops have been reduced to three a year which makes a real difference.",
    "Pupils are a joy to teach and the school feels calm.",
    "Training on SEND strategies was practical and I use it every day.",
]

STAFF_CHANGE = [
    "Fewer meetings after school, or at least an agenda so we know why we are there.",
    "Emails arrive late at night and at weekends. A protocol would help everyone.",
    "Behaviour at lunchtime is difficult and lunchtime staff need more support.",
    "Planning time gets swallowed by cover. Please protect PPA.",
    "More time to work with the SENCO on individual plans.",
    "Workload around reports in the summer term is unsustainable.",
    "I would like more say in decisions before they are announced.",
    "The photocopier and IT problems waste a lot of time every week.",
    "Clearer expectations for marking in foundation subjects.",
    "Consult support staff as well as teachers; we are often the last to know.",
    "Some parents email constantly and we need a clear policy on response times.",
    "More opportunities to visit other schools in the trust to see good practice.",
    "Mr Daniels' team are stretched thin and it shows. Please look at staffing.",
    "Nothing major, it's a good place to work, but I am tired.",
    "Stop changing the curriculum plans mid-term.",
]

PARENT = [
    "My daughter loves coming to school and talks about her teacher all the time.",
    "The school dealt with a friendship problem quickly and kindly. Very grateful.",
    "Communication has improved a lot with the new app, but letters still arrive late.",
    "Homework is inconsistent between classes and sometimes too much at the weekend.",
    "We were not told about the change of teacher until the first day back.",
    "Reading at home has really improved since the phonics workshop for parents.",
    "My son has SEND and the support from the SENCO has been excellent.",
    "The school does not always listen when we raise concerns about bullying.",
    "Lovely range of clubs, although they fill up very quickly.",
    "Pick up at the gate is chaotic and feels unsafe with the traffic.",
    "Teachers are kind and my child feels safe and happy.",
    "I would like more information about what they learn each term.",
    "School lunches have got better but portions are small for older children.",
    "Please contact me on 07700 900123 about the after-school club, I have asked twice.",
    "Miss Harper in Year 2 has been wonderful with our twins.",
    "The trips this year have been fantastic and good value.",
    "Behaviour in the playground has improved and there are more activities at lunch.",
    "My child was bullied last year and it took too long to sort out.",
    "Reports are helpful but parents' evening slots are too short.",
    "The school feels like a community and the staff know every child.",
    "Emails to the office often go unanswered; I tried head.office@example.com twice.",
    "Maths homework online is great, my son enjoys the games.",
    "More support for children who are ahead would be welcome.",
    "Transition to secondary was handled really well with extra visits.",
    "I'm not sure what the school's plan is for my child's speech and language support.",
]

# One comment, given once, that the safeguarding flags must catch: it goes to the admins'
# queue and never appears on a results page.
SAFEGUARDING_EXAMPLE = "A pupil in my class wrote about self-harm in her diary and I am not sure it was followed up."
