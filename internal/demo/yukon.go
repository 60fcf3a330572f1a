package demo

import (
	"context"

	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// The demo's Yukon University is invented in the same way as its KPU; it
// follows the yukon profile.

func yukonSpec() siteSpec {
	school := func(code, name string) unitSpec { return unitSpec{code: code, name: name, kind: org.Faculty} }
	dept := func(code, name, parent string) unitSpec {
		return unitSpec{code: code, name: name, parent: parent, kind: org.Department}
	}
	return siteSpec{
		inst: org.Institution{Slug: "yukonu", Name: "Yukon University", Jurisdiction: "CA-YT",
			TimeZone: "America/Whitehorse", PolicyProfile: "yukon"},
		units: []unitSpec{
			school("STTM", "School of Trades, Technology and Mines"),
			dept("CULA", "Culinary Arts", "STTM"),
			dept("BLDG", "Building and Construction Trades", "STTM"),
			{code: "CNIM", name: "Centre for Northern Innovation in Mining", parent: "STTM", kind: org.ProgramArea},
			school("SHEHS", "School of Health, Education and Human Services"),
			dept("ELCC", "Early Learning and Child Care", "SHEHS"),
			school("SLA", "School of Liberal Arts"),
			dept("IGOV", "Indigenous Governance", "SLA"),
			{code: "CS", name: "Continuing Studies", kind: org.ProgramArea},
			{code: "LIB", name: "Yukon University Library", kind: org.ServiceUnit},
			{code: "REG", name: "Office of the Registrar", kind: org.ServiceUnit},
			{code: "PVPA", name: "Office of the Provost and Vice-President Academic", kind: org.ServiceUnit},
		},
		partners: []org.Partner{
			{Kind: org.Employer, Name: "Northern Camp Services Ltd."},
			{Kind: org.IndustryBody, Name: "Yukon Mine Safety Training Society"},
			{Kind: org.ProfessionalBody, Name: "Whitehorse Early Learning Network"},
			{Kind: org.IndigenousOrganization, Name: "Yukon First Nations Governance Institute"},
			{Kind: org.IndustryBody, Name: "Klondike Energy Efficiency Co-op"},
		},
		closure: closureSpec{fromDec: 23, toJan: 2, reason: "Winter break"},
		people:  yukonPeople(),
		committees: []committeeSpec{
			{key: "curriculum_committee", name: "Curriculum Committee",
				seats: []seatSpec{
					{"andersen", org.FacultyMember, "SHEHS"}, {"vance", org.FacultyMember, "STTM"},
					{"kelly", org.FacultyMember, "SLA"}, {"chu", org.FacultyMember, "STTM"},
					{"gagnon", org.ProvostOfficeSeat, ""},
				},
				candidates: []string{"andersen", "vance"},
				votes:      map[string]string{"andersen": "andersen", "vance": "andersen", "kelly": "andersen", "chu": "vance", "gagnon": "andersen"}},
			{key: "senate", name: "Senate",
				seats: []seatSpec{
					{"brown", org.FacultyMember, "SLA"}, {"andersen", org.FacultyMember, "SHEHS"},
					{"vance", org.FacultyMember, "STTM"}, {"sutherland", org.Administrative, ""},
					{"harper", org.StudentMember, ""}, {"matthews", org.SecretariatSupport, ""},
				},
				candidates: []string{"brown"}},
		},
	}
}

func yukonPeople() []personSpec {
	p := func(key, name, email, title string, roles ...string) personSpec {
		return personSpec{key: key, name: name, email: email + "@yukonu.ca", title: title, roles: roles}
	}
	return []personSpec{
		p("lindqvist", "Tanya Lindqvist", "tanya.lindqvist", "Manager, Academic Systems", "administrator"),
		p("kerr", "Dr. Maureen Kerr", "maureen.kerr", "President and Vice-Chancellor", "president"),
		p("hendricks", "Paula Hendricks", "paula.hendricks", "University Secretary", "university_secretariat"),
		p("sutherland", "Dr. Michael Sutherland", "michael.sutherland", "Provost and Vice-President Academic", "provost@PVPA"),
		p("gagnon", "Renée Gagnon", "renee.gagnon", "Academic Quality Officer, Office of the Provost", "provost_office@PVPA"),
		p("andersen", "Dr. Rachel Andersen", "rachel.andersen", "School of Health, Education and Human Services; Chair, Curriculum Committee"),
		p("vance", "Dr. Peter Vance", "peter.vance", "School of Trades, Technology and Mines; Curriculum Committee"),
		p("kelly", "Siobhan Kelly", "siobhan.kelly", "School of Liberal Arts; Curriculum Committee"),
		p("chu", "Dr. Ian Chu", "ian.chu", "School of Trades, Technology and Mines; Curriculum Committee"),
		p("brown", "Dr. Lesley Brown", "lesley.brown", "Chair of Senate"),
		p("matthews", "Owen Matthews", "owen.matthews", "Secretary of Senate and its committees", "senate_secretariat", "sscc_secretariat"),
		p("johns", "Dr. Lorraine Johns", "lorraine.johns", "Dean, School of Trades, Technology and Mines", "dean@STTM"),
		p("mackenzie", "Colin Mackenzie", "colin.mackenzie", "Chair, Culinary Arts", "department_chair@CULA"),
		p("sato", "Erin Sato", "erin.sato", "Program Manager, Centre for Northern Innovation in Mining", "program_area@CNIM"),
		p("ratcliffe", "Kyle Ratcliffe", "kyle.ratcliffe", "Coordinator, Continuing Studies", "program_area@CS", "proponent@CS"),
		p("boyd", "Heather Boyd", "heather.boyd", "Registrar", "registrar@REG", "issuer@REG"),
		p("tait", "Jamie Tait", "jamie.tait", "Credentials Coordinator, Office of the Registrar", "issuer@REG"),
		p("lapointe", "Marie-Ève Lapointe", "marie-eve.lapointe", "Instructor, Culinary Arts", "proponent@CULA", "program_area@CULA"),
		p("holloway", "Grant Holloway", "grant.holloway", "Instructor, Centre for Northern Innovation in Mining", "proponent@CNIM"),
		p("adams", "Priscilla Adams", "priscilla.adams", "Instructor, Early Learning and Child Care", "proponent@ELCC"),
		p("brooks", "Nathan Brooks", "nathan.brooks", "Instructor, Building and Construction Trades", "proponent@BLDG"),
		p("frank", "Dr. Jolene Frank", "jolene.frank", "Faculty, Indigenous Governance", "proponent@IGOV"),
		p("tang", "Helen Tang", "helen.tang", "Librarian, Yukon University Library", "proponent@LIB"),
		p("harper", "Riley Harper", "riley.harper", "Student; student senator", "learner"),
		p("johnson", "Ava Johnson", "ava.johnson", "Learner, Continuing Studies", "learner"),
	}
}

// yukonForm fills in what every Yukon outline says the same way, where
// the proposal leaves it empty.
func yukonForm(f catalog.Form) catalog.Form {
	if f.Language == "" {
		f.Language = "en"
	}
	if f.AwardExpiry == "" {
		f.AwardExpiry = "none"
	}
	if f.LearnerSupports == "" {
		f.LearnerSupports = "Laptop and mobile hotspot loans for learners in communities, a learning skills coach, and Yukon First Nations student supports at every campus."
	}
	if f.QualityAssurance == "" {
		f.QualityAssurance = "Internal: reviewed against criteria 4.1 to 4.9 by the Curriculum Committee, approved by Senate and reviewed periodically (Yukon 4.4)"
		if f.Kind == catalog.DigitalBadge {
			f.QualityAssurance = "Internal: checked by the Office of the Provost and approved by the Provost"
		}
	}
	if f.PLAR == "" && f.Kind != catalog.DigitalBadge {
		f.PLAR = "Learners may have prior learning assessed through Yukon University's PLAR process; each competency can be recognized separately (Yukon 4.8)."
	}
	return f
}

func wildfireCookForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Wildfire Camp Cook",
		Description: "Prepares cooks to feed wildfire crews safely in remote camps: high-volume menus, food safety without running water, and camp logistics.",
		Competencies: []catalog.Competency{
			skill("Plan and cook high-volume, high-calorie menus for fire crews", noc, "63200"),
			skill("Keep food safe in a remote camp kitchen", sfs, "Problem Solving"),
			skill("Order and store supplies for a fly-in camp", sfs, "Numeracy"),
		},
		LearningOutcomes:        []string{"Run a camp kitchen for 40 people for a week", "Apply FOODSAFE practices in a field kitchen"},
		AssessmentMethod:        "A three-day practical assessment in a field kitchen, observed by Culinary Arts instructors with camp operator staff, against a competency checklist.",
		DurationHours:           60,
		DeliveryMode:            catalog.InPerson,
		DeliveryTiming:          catalog.Synchronous,
		CreditStatus:            catalog.NonCredit,
		Level:                   "Entry level",
		Prerequisites:           []string{"FOODSAFE Level 1", "Standard First Aid"},
		TuitionFees:             "$650; sponsored seats for Yukon First Nations citizens",
		TargetLearners:          []string{"Cooks and kitchen helpers", "Community members seeking seasonal work"},
		Partners:                []catalog.Partner{{Name: "Northern Camp Services Ltd.", Type: "employer"}},
		NeedEvidence:            "Camp operators report they cannot staff fire camps with trained cooks; the partner committed to interview every graduate.",
		IndigenousCollaboration: "Scheduled around harvest seasons and offered in two communities at the request of their development corporations.",
		StacksInto:              []string{"Culinary Arts certificate (first term)"},
		AwardExpiry:             "P3Y",
	})
}

func mineSafetyForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Northern Mine Safety Foundations",
		Description: "The safety knowledge every new worker at a northern mine needs: hazard recognition, cold-weather work, emergency response and the Yukon's occupational health and safety rules.",
		Competencies: []catalog.Competency{
			skill("Identify and control common hazards at a mine site", noc, "83100"),
			skill("Work safely in extreme cold and remote conditions", sfs, "Adaptability"),
			skill("Respond to a site emergency as a first responder", sfs, "Working with Others"),
		},
		LearningOutcomes:        []string{"Complete a field-level hazard assessment", "Take part in an emergency drill"},
		AssessmentMethod:        "A written test on regulations and a practical field-level hazard assessment and emergency drill, assessed against the Centre's checklist.",
		DurationHours:           45,
		DeliveryMode:            catalog.Blended,
		DeliveryTiming:          catalog.BothTimings,
		CreditStatus:            catalog.NonCredit,
		Level:                   "Entry level",
		TuitionFees:             "$480; employer-sponsored seats",
		TargetLearners:          []string{"New mine workers", "Community members entering the mining sector"},
		Partners:                []catalog.Partner{{Name: "Yukon Mine Safety Training Society", Type: "industry"}},
		NeedEvidence:            "Mines opening in the territory plan to hire 300 workers over two years; the society reports training as the main barrier for local hires.",
		IndigenousCollaboration: "Delivered in communities near mine sites with First Nations development corporations.",
		LaddersTo:               []string{"Underground Miner Common Core"},
		AwardExpiry:             "P3Y",
	})
}

func landBasedECEForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Early Childhood Education: Land-Based Learning",
		Description: "For early childhood educators: plan safe, play-based learning on the land that is guided by Elders and local knowledge.",
		Competencies: []catalog.Competency{
			skill("Plan a land-based learning experience for young children", noc, "42202"),
			skill("Assess and manage risk in outdoor play", sfs, "Problem Solving"),
		},
		LearningOutcomes:        []string{"Lead a seasonal land-based activity", "Involve Elders and families in programming"},
		AssessmentMethod:        "A planned and delivered land-based activity, observed by an instructor, with a reflective report.",
		DurationHours:           40,
		DeliveryMode:            catalog.Blended,
		DeliveryTiming:          catalog.BothTimings,
		CreditStatus:            catalog.NonCredit,
		TuitionFees:             "$420",
		TargetLearners:          []string{"Early childhood educators in Yukon communities"},
		Partners:                []catalog.Partner{{Name: "Whitehorse Early Learning Network", Type: "community"}},
		NeedEvidence:            "Early learning programs in communities ask for training in land-based programming.",
		IndigenousCollaboration: "Designed with Elders who will co-teach the on-the-land sessions.",
	})
}

func retrofitForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Cold Climate Home Energy Retrofits",
		Description:      "Plan and carry out energy retrofits of homes in a cold climate.",
		Competencies:     []catalog.Competency{skill("Plan an envelope retrofit for a cold-climate home", sfs, "Thinking")},
		AssessmentMethod: "Project.",
		DurationHours:    36,
		DeliveryMode:     catalog.InPerson,
		CreditStatus:     catalog.NonCredit,
		Partners:         []catalog.Partner{{Name: "Klondike Energy Efficiency Co-op", Type: "industry"}},
		NeedEvidence:     "Territorial retrofit rebates have created demand for trained contractors.",
	})
}

func governanceForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:        catalog.MicroCourse,
		Title:       "Self-Government in Yukon First Nations",
		Description: "An introduction to the Umbrella Final Agreement, final and self-government agreements, and how Yukon First Nations governments make and deliver their own laws and programs.",
		Competencies: []catalog.Competency{
			skill("Explain the structure of Yukon First Nations final and self-government agreements", sfs, "Reading"),
			skill("Work with a First Nation government's law-making and program processes", sfs, "Working with Others"),
		},
		LearningOutcomes:        []string{"Trace a program from agreement to delivery", "Brief a colleague on intergovernmental relations"},
		AssessmentMethod:        "A case study of one agreement and an oral briefing, assessed with a guest from a First Nation government.",
		DurationHours:           22.5,
		DeliveryMode:            catalog.Online,
		DeliveryTiming:          catalog.BothTimings,
		CreditStatus:            catalog.CreditBearing,
		Credits:                 1.5,
		Level:                   "First-year undergraduate",
		TuitionFees:             "Tuition at the credit rate for 1.5 credits",
		TargetLearners:          []string{"Public servants of all governments in the Yukon", "Students in Indigenous Governance"},
		Partners:                []catalog.Partner{{Name: "Yukon First Nations Governance Institute", Type: "indigenous"}},
		NeedEvidence:            "Governments in the territory ask for short, credit-bearing training on self-government for new staff.",
		IndigenousCollaboration: "Co-developed and co-taught with the partner institute.",
		LaddersTo:               []string{"Bachelor of Arts in Indigenous Governance"},
		TransferAgreements:      []string{"Counts toward the Indigenous Governance degree"},
	})
}

func researchSkillsForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:             catalog.DigitalBadge,
		Title:            "Library Research Skills",
		Description:      "Completion of the Library's research skills workshops: finding, evaluating and citing sources, including northern and Indigenous sources.",
		LearningOutcomes: []string{"Search the catalogue and databases", "Evaluate a source", "Cite in APA style"},
		AssessmentMethod: "Completion of the four workshops and their online quizzes.",
		DurationHours:    4,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "Free",
		TargetLearners:   []string{"Yukon University students"},
		NeedEvidence:     "Instructors ask for a shared research skills baseline in first-year courses.",
	})
}

func winterDrivingForm() catalog.Form {
	return yukonForm(catalog.Form{
		Kind:             catalog.ShortCourse,
		Title:            "Winter Driving on Northern Highways",
		Description:      "A one-weekend course on driving the Alaska and Klondike highways in winter.",
		AssessmentMethod: "Attendance.",
		DurationHours:    12,
		DeliveryMode:     catalog.InPerson,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$180",
		NeedEvidence:     "Requests from employers with drivers on northern highways.",
	})
}

func checklist(comment string) approval.SubmitReview {
	r := approval.SubmitReview{Comment: comment}
	for _, q := range []string{"y4_1_duration", "y4_2_delivery", "y4_3_collaboration", "y4_4_quality", "y4_5_assessment",
		"y4_6_registry", "y4_7_pathways", "y4_8_plar", "y4_9_transfer"} {
		r.Answers = append(r.Answers, approval.Answer{Question: q, Value: "met"})
	}
	return r
}

// planYukon schedules Yukon University's proposals through its checklist.
func (p *populator) planYukon(s *site) {
	p.propose(s, ScenarioActive, "CULA", "lapointe", wildfireCookForm(), 0,
		on(45, "10:00", "lapointe", submit{}),
		on(44, "09:30", "andersen", approval.CompletenessDecision{Complete: true}),
		on(44, "09:45", "andersen", approval.AssignReviewers{Reviewers: s.ids("vance", "kelly")}),
		on(40, "14:00", "vance", checklist("Strong employer commitment.")),
		on(38, "11:20", "kelly", checklist("")),
		on(37, "09:00", "andersen", approval.CloseReview{}),
		on(36, "15:00", "andersen", approval.Recommend{Recommend: true, Note: "Meets criteria 4.1 to 4.9; recommended to Senate."}),
		on(25, "17:00", "matthews", approval.RecordDecision{Approved: true,
			Note: "Approved by Senate at its meeting of " + s.cal.DateOf(s.ago(25, "15:00")).String() + "."}),
		on(20, "10:00", "lapointe", offeringRun{starts: s.later(30, "08:00"), ends: s.later(40, "16:00")}),
	)
	p.at(s.ago(25, "15:00"), "yukonu: Senate meets", p.meeting(s, "senate", s.ago(25, "15:00"), "Regular meeting of Senate."))
	p.propose(s, ScenarioAtSenate, "IGOV", "frank", governanceForm(), 0,
		on(40, "11:00", "frank", submit{}),
		on(39, "10:00", "andersen", approval.CompletenessDecision{Complete: true}),
		on(39, "10:15", "andersen", approval.AssignReviewers{Reviewers: s.ids("chu", "vance")}),
		on(35, "13:30", "chu", checklist("")),
		on(33, "10:45", "vance", checklist("Credits fit the hours.")),
		on(32, "09:00", "andersen", approval.CloseReview{}),
		on(31, "14:30", "andersen", approval.Recommend{Recommend: true, Note: "Recommended to Senate as a micro-course."}),
	)
	p.propose(s, ScenarioBadgeApproved, "LIB", "tang", researchSkillsForm(), 0,
		on(30, "10:30", "tang", submit{}),
		on(29, "11:00", "gagnon", approval.CompletenessDecision{Complete: true}),
		on(27, "16:00", "sutherland", sign{}),
	)
	retrofit := p.propose(s, ScenarioIncomplete, "BLDG", "brooks", retrofitForm(), 0,
		on(15, "13:00", "brooks", submit{}),
		on(13, "10:00", "andersen", approval.CompletenessDecision{Complete: false,
			Feedback: "Add learning outcomes, describe how the project is assessed (criterion 4.5), and say how the offering relates to the carpentry program (criterion 4.7)."}),
	)
	// The proponent disputes the feedback; the Executive Lead cannot
	// resolve it and reports it to the University Secretariat (Yukon 6).
	var dispute int64
	p.at(s.ago(11, "14:30"), "yukonu: a dispute is raised", func(ctx context.Context) error {
		d, err := p.a.RaiseDispute(ctx, s.inst.ID, s.id("brooks"), approval.RaiseDispute{CaseID: retrofit.c.ID, OfferingID: retrofit.id,
			About: "Completeness feedback on " + retrofitForm().Title,
			Text:  "The feedback asks for a relation to the carpentry program, which criterion 4.7 does not require of a non-credit offering."})
		if err == nil {
			dispute = d.ID
		}
		return err
	})
	p.at(s.ago(6, "11:00"), "yukonu: the dispute is escalated", func(ctx context.Context) error {
		_, err := p.a.ActOnDispute(ctx, dispute, s.id("sutherland"), approval.EscalateDispute{
			Note: "Met the proponent and the committee chair; no resolution. Reported to the University Secretariat."})
		return err
	})
	p.propose(s, ScenarioInReview, "CNIM", "holloway", mineSafetyForm(), 0,
		on(12, "09:30", "holloway", submit{}),
		on(11, "10:00", "andersen", approval.CompletenessDecision{Complete: true}),
		on(11, "10:20", "andersen", approval.AssignReviewers{Reviewers: s.ids("kelly", "chu")}),
		on(6, "15:10", "kelly", checklist("Good industry partnership; confirm the cold-weather practicals run in winter.")),
	)
	p.propose(s, ScenarioAwaitingCompleteness, "ELCC", "adams", landBasedECEForm(), 0,
		on(3, "11:45", "adams", submit{}))
	p.propose(s, ScenarioShortCourse, "CS", "ratcliffe", winterDrivingForm(), 18)

	s.tell("lindqvist", "Administer institutions, committees, people and roles, and closures.")
	s.tell("andersen", "As Curriculum Committee chair: check %q for completeness.", landBasedECEForm().Title)
	s.tell("chu", "Review %q against criteria 4.1 to 4.9.", mineSafetyForm().Title)
	s.tell("matthews", "Record Senate's decision on %q.", governanceForm().Title)
	s.tell("brooks", "Revise %q after the chair's feedback and resubmit.", retrofitForm().Title)
	s.tell("ratcliffe", "%q is a short course, which the procedures do not cover (Yukon 3): propose it as a micro-credential instead.", winterDrivingForm().Title)
	s.tell("sutherland", "Receive questions and disputes as Executive Lead (Yukon 6); sign digital badges.")
	s.tell("hendricks", "Resolve the dispute over the feedback on %q, escalated by the Executive Lead (Yukon 6).", retrofitForm().Title)
	s.tell("lapointe", "%q is approved; its first run is scheduled.", wildfireCookForm().Title)
	s.tell("boyd", "Issue, revoke and look up awards.")
	s.tell("harper", "See your awards and share them.")
	s.tell("johnson", "See your awards and share them.")
}
