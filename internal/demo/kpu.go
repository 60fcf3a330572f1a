package demo

import (
	"context"
	"fmt"
	"time"

	"cairn/internal/approval"
	"cairn/internal/catalog"
	"cairn/internal/org"
)

// The people, places and proposals of the demo's KPU are invented; the
// policy they follow (the kpu-ac15 profile) and the frameworks the
// outlines cite are real.

func kpuSpec() siteSpec {
	fac := func(code, name string) unitSpec {
		return unitSpec{code: code, name: name, kind: org.Faculty, category: "faculty"}
	}
	dept := func(code, name, parent string) unitSpec {
		return unitSpec{code: code, name: name, parent: parent, kind: org.Department, category: "faculty"}
	}
	svc := func(code, name string) unitSpec { return unitSpec{code: code, name: name, kind: org.ServiceUnit} }
	return siteSpec{
		inst: org.Institution{Slug: "kpu", Name: "Kwantlen Polytechnic University", Jurisdiction: "CA-BC",
			TimeZone: "America/Vancouver", PolicyProfile: "kpu-ac15"},
		units: []unitSpec{
			fac("ARTS", "Faculty of Arts"),
			dept("GEOG", "Geography and the Environment", "ARTS"),
			dept("LANC", "Language and Cultures", "ARTS"),
			fac("BUSN", "Melville School of Business"),
			dept("ACCT", "Accounting", "BUSN"),
			dept("ENTR", "Entrepreneurial Leadership", "BUSN"),
			dept("MRKT", "Marketing", "BUSN"),
			fac("EDST", "Faculty of Educational Studies"),
			dept("ECCE", "Early Childhood Care and Education", "EDST"),
			fac("HLTH", "Faculty of Health"),
			dept("NRSG", "Nursing", "HLTH"),
			fac("SCHO", "Faculty of Science and Horticulture"),
			dept("CPSC", "Computer Science", "SCHO"),
			dept("AGRI", "Sustainable Agriculture and Food Systems", "SCHO"),
			fac("TRTE", "Faculty of Trades and Technology"),
			dept("WELD", "Welding", "TRTE"),
			{code: "CPS", name: "Continuing and Professional Studies", kind: org.ProgramArea, category: "continuing_studies"},
			svc("LIBR", "KPU Library"),
			svc("LC", "Learning Centres"),
			svc("REG", "Office of the Registrar"),
			svc("PVP", "Office of the Provost and Vice-President, Academic"),
		},
		partners: []org.Partner{
			{Kind: org.Employer, Name: "Fraser River Fabrication Ltd.", Website: "https://fraserriverfab.example.ca"},
			{Kind: org.IndustryBody, Name: "Fraser Valley Small Business Network", Website: "https://fvsbn.example.ca"},
			{Kind: org.IndustryBody, Name: "Lower Mainland Growers' Cooperative"},
			{Kind: org.ProfessionalBody, Name: "Pacific Crisis Response Society"},
			{Kind: org.ProfessionalBody, Name: "Surrey Early Years Collaborative"},
			{Kind: org.IndigenousOrganization, Name: "Fraser Valley Indigenous Language Network"},
			{Kind: org.Employer, Name: "Cloverdale Community Health Centre"},
		},
		closure: closureSpec{fromDec: 24, toJan: 1, reason: "Winter closure"},
		people:  kpuPeople(),
		committees: []committeeSpec{
			{key: "smc", name: "Senate Micro-credential Committee (SMC)",
				seats: []seatSpec{
					{"reid", org.FacultyMember, "ARTS"}, {"haddad", org.FacultyMember, "BUSN"},
					{"obrien", org.FacultyMember, "EDST"}, {"nguyen", org.FacultyMember, "HLTH"},
					{"sharma", org.FacultyMember, "SCHO"}, {"kowalski", org.FacultyMember, "TRTE"},
					{"novak", org.ProvostOfficeSeat, ""}, {"fischer", org.ContinuingStudies, ""},
					{"fraser", org.Decanal, ""},
				},
				candidates: []string{"reid", "haddad"},
				votes: map[string]string{"reid": "reid", "haddad": "haddad", "obrien": "reid", "nguyen": "reid",
					"sharma": "reid", "kowalski": "haddad", "novak": "reid", "fischer": "haddad", "fraser": "reid"}},
			{key: "dbc", name: "Digital Badge Committee (DBC)",
				seats: []seatSpec{
					{"ali", org.FacultyMember, "SCHO"}, {"okafor", org.ProvostOfficeSeat, ""},
					{"mills", org.Administrative, ""}, {"mensah", org.Decanal, ""},
				},
				candidates: []string{"ali"}},
			{key: "sscc", name: "Senate Standing Committee on Curriculum (SSCC)",
				seats: []seatSpec{
					{"stone", org.FacultyMember, "HLTH"}, {"aziz", org.FacultyMember, "ARTS"},
					{"morrison", org.FacultyMember, "BUSN"}, {"mensah", org.Decanal, ""},
					{"whitford", org.SecretariatSupport, ""},
				},
				candidates: []string{"stone", "aziz"},
				votes:      map[string]string{"stone": "stone", "aziz": "stone", "morrison": "aziz", "mensah": "stone"}},
			{key: "senate", name: "Senate",
				seats: []seatSpec{
					{"davies", org.FacultyMember, "TRTE"}, {"aziz", org.FacultyMember, "ARTS"},
					{"reid", org.FacultyMember, "ARTS"}, {"stone", org.FacultyMember, "HLTH"},
					{"sandhu", org.Administrative, ""}, {"fraser", org.Decanal, ""},
					{"kaur", org.StudentMember, ""}, {"cho", org.SecretariatSupport, ""},
				},
				candidates: []string{"davies"}},
		},
	}
}

func kpuPeople() []personSpec {
	p := func(key, name, email, title string, roles ...string) personSpec {
		return personSpec{key: key, name: name, email: email + "@kpu.ca", title: title, roles: roles}
	}
	return []personSpec{
		p("ellis", "Morgan Ellis", "morgan.ellis", "Director, Academic Systems", "administrator"),
		p("bell", "Dr. Catherine Bell", "catherine.bell", "President and Vice-Chancellor", "president"),
		p("sandhu", "Dr. Harjit Sandhu", "harjit.sandhu", "Provost and Vice-President, Academic", "provost@PVP"),
		p("novak", "Andrea Novak", "andrea.novak", "Senior Advisor, Office of the Provost", "provost_office@PVP"),
		p("okafor", "Leah Okafor", "leah.okafor", "Associate Vice-Provost, Teaching and Learning", "provost_office@PVP"),
		p("reid", "Dr. Samantha Reid", "samantha.reid", "Faculty of Arts; Chair, Senate Micro-credential Committee"),
		p("haddad", "Dr. Farid Haddad", "farid.haddad", "Melville School of Business; SMC member"),
		p("obrien", "Dr. Megan O'Brien", "megan.obrien", "Faculty of Educational Studies; SMC member"),
		p("nguyen", "Dr. Joseph Nguyen", "joseph.nguyen", "Faculty of Health; SMC member"),
		p("sharma", "Dr. Anika Sharma", "anika.sharma", "Faculty of Science and Horticulture; SMC member"),
		p("kowalski", "Brent Kowalski", "brent.kowalski", "Faculty of Trades and Technology; SMC member"),
		p("fischer", "Paul Fischer", "paul.fischer", "Continuing and Professional Studies; SMC member"),
		p("fraser", "Dr. Elaine Fraser", "elaine.fraser", "Dean, Faculty of Trades and Technology; SMC decanal representative", "dean@TRTE"),
		p("ali", "Dr. Yusuf Ali", "yusuf.ali", "Faculty of Science and Horticulture; Chair, Digital Badge Committee"),
		p("mills", "Sandra Mills", "sandra.mills", "Manager, Student Services; DBC member"),
		p("mensah", "Dr. Kwame Mensah", "kwame.mensah", "Dean, Faculty of Science and Horticulture", "dean@SCHO"),
		p("stone", "Dr. Rebecca Stone", "rebecca.stone", "Faculty of Health; Chair, Senate Standing Committee on Curriculum"),
		p("aziz", "Dr. Tariq Aziz", "tariq.aziz", "Faculty of Arts; SSCC member and senator"),
		p("morrison", "Dr. Linda Morrison", "linda.morrison", "Melville School of Business; SSCC member"),
		p("whitford", "Grace Whitford", "grace.whitford", "Secretary to the SSCC, University Secretariat", "sscc_secretariat"),
		p("davies", "Dr. Alan Davies", "alan.davies", "Vice-Chair of Senate"),
		p("cho", "Daniel Cho", "daniel.cho", "University Secretary", "senate_secretariat", "university_secretariat"),
		p("lee", "Marcus Lee", "marcus.lee", "Chair, Department of Accounting", "department_chair@ACCT", "proponent@ACCT"),
		p("gill", "Ravi Gill", "ravi.gill", "Director, Continuing and Professional Studies", "department_chair@CPS", "dean@CPS"),
		p("clarke", "Naomi Clarke", "naomi.clarke", "Program Manager, Continuing and Professional Studies", "program_area@CPS"),
		p("dhaliwal", "Joanne Dhaliwal", "joanne.dhaliwal", "Program Coordinator, Nursing", "program_area@NRSG"),
		p("raman", "Priya Raman", "priya.raman", "Registrar", "registrar@REG", "issuer@REG"),
		p("herrera", "Tomás Herrera", "tomas.herrera", "Credentials Officer, Office of the Registrar", "issuer@REG"),
		p("pearson", "Natalie Pearson", "natalie.pearson", "Program Developer, Continuing and Professional Studies", "proponent@CPS"),
		p("bains", "Sukhpreet Bains", "sukhpreet.bains", "Instructor, Accounting", "proponent@ACCT"),
		p("dosanjh", "Kiran Dosanjh", "kiran.dosanjh", "Instructor, Nursing", "proponent@NRSG"),
		p("kwan", "David Kwan", "david.kwan", "Instructor, Entrepreneurial Leadership", "proponent@ENTR"),
		p("almeida", "Victor Almeida", "victor.almeida", "Instructor, Welding", "proponent@WELD"),
		p("wilkes", "Dr. Hannah Wilkes", "hannah.wilkes", "Faculty, Language and Cultures", "proponent@LANC"),
		p("sidhu", "Gurpreet Sidhu", "gurpreet.sidhu", "Instructor, Language and Cultures", "proponent@LANC"),
		p("tremblay", "Dr. Olivia Tremblay", "olivia.tremblay", "Faculty, Geography and the Environment", "proponent@GEOG"),
		p("okoro", "Ben Okoro", "ben.okoro", "Instructor, Sustainable Agriculture and Food Systems", "proponent@AGRI"),
		p("ferreira", "Isabel Ferreira", "isabel.ferreira", "Instructor, Marketing", "proponent@MRKT"),
		p("bergeron", "Chloe Bergeron", "chloe.bergeron", "Instructor, Early Childhood Care and Education", "proponent@ECCE"),
		p("rahimi", "Dr. Ahmed Rahimi", "ahmed.rahimi", "Faculty, Computer Science", "proponent@CPSC"),
		p("walsh", "Erin Walsh", "erin.walsh", "Librarian, KPU Library", "proponent@LIBR"),
		p("martin", "Lucas Martin", "lucas.martin", "Coordinator, Learning Centres", "proponent@LC"),
		p("kaur", "Amrit Kaur", "amrit.kaur", "Student; student senator", "learner"),
		p("reyes", "Jordan Reyes", "jordan.reyes", "Learner, Continuing and Professional Studies", "learner"),
		p("zhou", "Mei Lin Zhou", "meilin.zhou", "Learner, Faculty of Health", "learner"),
	}
}

// kpuForm fills in what every KPU outline says the same way, where the
// proposal leaves it empty.
func kpuForm(f catalog.Form) catalog.Form {
	if f.Language == "" {
		f.Language = "en"
	}
	if f.AwardExpiry == "" {
		f.AwardExpiry = "none"
	}
	if f.LearnerSupports == "" {
		f.LearnerSupports = "Laptops on loan from KPU Library, free tutoring at the Learning Centres, accommodations through Accessibility Services, and a Continuing Studies bursary that covers up to half the fee."
	}
	if f.QualityAssurance == "" {
		f.QualityAssurance = "Internal: approved under AC15 and reviewed each year by the offering program area (AC15 B.1.g)"
		if f.Kind == catalog.DigitalBadge {
			f.QualityAssurance = "Internal: approved by the Digital Badge Committee under AC15 B.2"
		}
	}
	if f.PLAR == "" && f.Kind == catalog.MicroCredential {
		f.PLAR = "Learners with relevant experience may challenge the assessment through KPU's PLAR process (portfolio review and a demonstration); fees follow the PLAR schedule."
	}
	if f.Custom == nil {
		f.Custom = map[string]string{}
	}
	if f.Custom["nominated_issuers"] == "" {
		f.Custom["nominated_issuers"] = "Priya Raman and Tomás Herrera, Office of the Registrar"
	}
	return f
}

func skill(name, framework, code string) catalog.Competency {
	return catalog.Competency{Name: name, Framework: framework, Code: code}
}

// Frameworks the outlines align competencies to.
const (
	sfs = "Skills for Success (Employment and Social Development Canada)"
	noc = "National Occupational Classification 2021"
)

func dataAnalyticsForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Data Analytics Essentials with Excel and Power BI",
		Description: "A practical introduction to business data analysis for working professionals: cleaning and shaping data, summarizing it, and presenting it in an interactive dashboard that answers a real business question.",
		Competencies: []catalog.Competency{
			skill("Clean, combine and reshape business data with Power Query", sfs, "Digital"),
			skill("Summarize data with PivotTables and descriptive statistics", sfs, "Numeracy"),
			skill("Build an interactive Power BI dashboard that answers a stated business question", noc, "21211"),
		},
		LearningOutcomes: []string{
			"Import data from spreadsheets, CSV files and databases and document each cleaning step",
			"Choose a summary or chart that fits the question and the data",
			"Publish a dashboard with filters, measures and a written interpretation",
		},
		AssessmentMethod: "Three applied assignments and a capstone dashboard built on an open dataset, each assessed against a published rubric; every competency must reach \"proficient\".",
		DurationHours:    36,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		Level:            "Introductory; post-secondary",
		Prerequisites:    []string{"Working knowledge of spreadsheets"},
		TuitionFees:      "$895 including software access",
		TargetLearners:   []string{"Working professionals moving into data-informed roles", "Administrative and operations staff", "Recent graduates"},
		Partners:         []catalog.Partner{{Name: "Fraser Valley Small Business Network", Type: "industry"}},
		NeedEvidence:     "Data analysis is among the fastest-growing skill demands in the BC Labour Market Outlook; 31 of 40 employers answering the network's 2024 survey asked for short, applied data training.",
		StacksInto:       []string{"Machine Learning Foundations with Python"},
		TransferAgreements: []string{
			"Recognized as 1.5 elective credits toward KPU's Business Analytics citation on application",
		},
		Custom: map[string]string{"consultation_summary": "Accounting and Computer Science were consulted; both support a CPS offering."},
	})
}

func mentalHealthForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Mental Health First Response for Workplaces",
		Description: "Prepares supervisors and co-workers to recognize a colleague in mental health distress, respond safely, and connect them with help.",
		Competencies: []catalog.Competency{
			skill("Recognize signs of mental health distress and crisis at work", sfs, "Working with Others"),
			skill("Respond to a person in crisis with a de-escalation and safety plan", sfs, "Oral Communication"),
			skill("Connect a colleague with workplace and community supports", sfs, "Problem Solving"),
		},
		LearningOutcomes: []string{
			"Describe common mental health conditions and their early signs",
			"Apply a five-step first response to a scenario",
			"Refer appropriately and document the response",
		},
		AssessmentMethod: "Two observed role-play scenarios scored against a checklist, and a short written response plan.",
		DurationHours:    14,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.NonCredit,
		Level:            "Introductory",
		TuitionFees:      "$325",
		TargetLearners:   []string{"Supervisors and managers", "Human resources staff", "Union stewards and safety committee members"},
		Partners:         []catalog.Partner{{Name: "Pacific Crisis Response Society", Type: "non_profit"}},
		NeedEvidence:     "Employers in the region report rising mental health claims; the partner society turns away two of every three requests for workplace training.",
		AwardExpiry:      "P1Y",
		Custom:           map[string]string{"consultation_summary": "Nursing and Psychology were consulted; Counselling Services reviewed the referral content."},
	})
}

func blockchainForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Blockchain Fundamentals for Business",
		Description: "What distributed ledgers can and cannot do for a business: smart contracts, tokenization and their risks, with case studies from supply chains and finance.",
		Competencies: []catalog.Competency{
			skill("Explain how a distributed ledger reaches consensus", sfs, "Digital"),
			skill("Evaluate a proposed blockchain use case against simpler alternatives", sfs, "Thinking"),
		},
		LearningOutcomes: []string{"Compare public and permissioned ledgers", "Write a one-page assessment of a blockchain proposal"},
		AssessmentMethod: "A case-study assessment of a real proposal, marked against a rubric.",
		DurationHours:    24,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.NonCredit,
		Level:            "Introductory",
		TuitionFees:      "$550",
		TargetLearners:   []string{"Managers and analysts", "Small business owners"},
		NeedEvidence:     "Requests from two regional credit unions in 2023.",
		Custom:           map[string]string{"consultation_summary": "Computer Science consulted."},
	})
}

func noCodeForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Mobile App Prototyping with No-Code Tools",
		Description: "Design and test a clickable mobile app prototype without writing code, from user interviews to a tested prototype.",
		Competencies: []catalog.Competency{
			skill("Turn user interviews into app requirements", sfs, "Thinking"),
			skill("Build and test a clickable prototype with a no-code tool", sfs, "Digital"),
		},
		LearningOutcomes: []string{"Produce user stories and a screen flow", "Run a usability test with five users"},
		AssessmentMethod: "A tested prototype and a usability report, assessed against a rubric.",
		DurationHours:    20,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$495",
		TargetLearners:   []string{"Entrepreneurs", "Product and marketing staff"},
		NeedEvidence:     "Enquiries from the small business community after a 2023 workshop.",
		Custom:           map[string]string{"consultation_summary": "Computer Science and the Wilson School of Design consulted."},
	})
}

func weldingForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Welding Inspection Fundamentals",
		Description: "Prepares experienced welders to inspect welds and welding procedures against Canadian standards, as a first step toward certification as a welding inspector under CSA W178.2.",
		Competencies: []catalog.Competency{
			skill("Interpret welding symbols, drawings and procedure specifications (CSA W59)", noc, "72106"),
			skill("Perform visual inspection of welds to code acceptance criteria", noc, "72106"),
			skill("Verify welder and procedure qualifications and report nonconformance", sfs, "Writing"),
		},
		LearningOutcomes: []string{
			"Read a weld procedure specification and check a joint against it",
			"Measure and record weld discontinuities with inspection gauges",
			"Write an inspection report that a fabricator can act on",
		},
		AssessmentMethod: "A practical visual-inspection exam on prepared weld coupons and a written exam modelled on the CSA W178.2 Level 1 examination; 70% on each.",
		DurationHours:    60,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.NonCredit,
		Level:            "Advanced trades",
		Prerequisites:    []string{"Two years of welding experience or a Welder Level C certificate"},
		TuitionFees:      "$1,450 including inspection gauges",
		TargetLearners:   []string{"Journeyperson welders", "Fabrication shop leads", "Quality control staff"},
		Partners:         []catalog.Partner{{Name: "Fraser River Fabrication Ltd.", Type: "employer"}},
		NeedEvidence:     "Fabricators on the program advisory committee report two-month waits for qualified inspectors on public infrastructure work.",
		LaddersTo:        []string{"Welding inspector certification, CSA W178.2 Level 1"},
		AwardExpiry:      "P3Y",
		Custom:           map[string]string{"consultation_summary": "The Welding advisory committee (six employers) reviewed the outline."},
	})
}

func biDashboardsForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Business Intelligence Dashboards with Power BI",
		Description: "Accounting and finance staff learn to model financial data and build Power BI dashboards for budgeting, variance analysis and reporting.",
		Competencies: []catalog.Competency{
			skill("Model financial data in Power BI with a star schema", sfs, "Digital"),
			skill("Write DAX measures for budget and variance reporting", sfs, "Numeracy"),
			skill("Design a financial dashboard for a non-specialist audience", sfs, "Writing"),
		},
		LearningOutcomes: []string{"Build a data model from a general ledger export", "Report monthly variance with drill-down"},
		AssessmentMethod: "Two labs and a final dashboard project presented to a panel, each assessed against a rubric.",
		DurationHours:    30,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		Level:            "Intermediate",
		Prerequisites:    []string{"Introductory accounting"},
		TuitionFees:      "$795",
		TargetLearners:   []string{"Accounting and finance staff", "Bookkeepers"},
		NeedEvidence:     "The Accounting advisory committee asked for analytics skills in every new hire's profile.",
		Custom:           map[string]string{"consultation_summary": "Accounting advisory committee."},
	})
}

func bookkeepingForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Bookkeeping for Small Business with Cloud Accounting",
		Description: "Keep the books of a small business in a cloud accounting system: set up, record transactions, reconcile, run payroll basics and prepare for year end.",
		Competencies: []catalog.Competency{
			skill("Record and reconcile transactions in a cloud accounting system", sfs, "Numeracy"),
			skill("Prepare GST/HST and payroll remittances", sfs, "Document Use"),
		},
		LearningOutcomes: []string{"Set up a company file", "Reconcile bank and credit card accounts", "Prepare month-end reports"},
		AssessmentMethod: "Weekly practice sets and a final month-end close.",
		DurationHours:    42,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.NonCredit,
		Level:            "Introductory",
		TargetLearners:   []string{"Small business owners", "Office administrators"},
		Partners:         []catalog.Partner{{Name: "Fraser Valley Small Business Network", Type: "industry"}},
		NeedEvidence:     "Network members report few bookkeepers trained on cloud systems.",
		Custom:           map[string]string{"consultation_summary": "Accounting department and CPS."},
	})
}

func traumaForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Trauma-Informed Practice for Frontline Workers",
		Description: "Applies the principles of trauma-informed practice to frontline work in health, social and community services.",
		Competencies: []catalog.Competency{
			skill("Apply trauma-informed principles to a client interaction", sfs, "Oral Communication"),
			skill("Adapt a service environment to reduce retraumatization", sfs, "Problem Solving"),
		},
		LearningOutcomes: []string{"Explain the effects of trauma on behaviour", "Plan a trauma-informed intake conversation"},
		AssessmentMethod: "A multiple-choice knowledge check and a reflective journal.",
		DurationHours:    21,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		Level:            "Introductory",
		TuitionFees:      "$395",
		TargetLearners:   []string{"Community health workers", "Shelter and outreach staff", "Health unit clerks"},
		Partners:         []catalog.Partner{{Name: "Cloverdale Community Health Centre", Type: "employer"}},
		NeedEvidence:     "Requested by three community agencies after provincial training requirements changed.",
		Custom:           map[string]string{"consultation_summary": "Nursing, Psychology and Counselling Services."},
	})
}

func droneForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Drone Operations for Precision Agriculture",
		Description: "Plan and fly drone surveys of farm fields, and turn the imagery into maps that guide irrigation, scouting and input use.",
		Competencies: []catalog.Competency{
			skill("Plan a lawful drone survey of a farm field", sfs, "Document Use"),
			skill("Produce and interpret a vegetation index map", sfs, "Digital"),
		},
		LearningOutcomes: []string{"Fly a planned survey mission", "Recommend a field action from a crop health map"},
		AssessmentMethod: "A supervised survey flight and a field report.",
		DurationHours:    40,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.NonCredit,
		Prerequisites:    []string{"Transport Canada basic drone pilot certificate"},
		TuitionFees:      "$1,150",
		TargetLearners:   []string{"Farm operators and staff", "Agronomy technicians"},
		Partners:         []catalog.Partner{{Name: "Lower Mainland Growers' Cooperative", Type: "industry"}},
		NeedEvidence:     "Cooperative members plan to adopt drone scouting within two seasons.",
		Custom:           map[string]string{"consultation_summary": "Sustainable Agriculture advisory committee."},
	})
}

func socialAnalyticsForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Social Media Marketing Analytics",
		Description: "Measure what social media marketing achieves: set goals, track campaigns, and report results that guide spending.",
		Competencies: []catalog.Competency{
			skill("Define measurable goals and metrics for a social media campaign", sfs, "Numeracy"),
			skill("Analyse campaign data and recommend changes", sfs, "Thinking"),
		},
		LearningOutcomes: []string{"Set up campaign tracking", "Report return on ad spend to a client"},
		AssessmentMethod: "A live campaign report for a community organization, assessed against a rubric.",
		DurationHours:    30,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$650",
		TargetLearners:   []string{"Marketing coordinators", "Small business owners"},
		NeedEvidence:     "Marketing advisory committee; regional job postings.",
		Custom:           map[string]string{"consultation_summary": "Marketing and CPS."},
	})
}

func inclusiveEarlyLearningForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Inclusive Early Learning Environments",
		Description: "For early childhood educators: plan play-based environments and routines in which children of every ability, language and culture belong and take part.",
		Competencies: []catalog.Competency{
			skill("Adapt a learning environment for a child with diverse needs", noc, "42202"),
			skill("Plan inclusive routines with families and support workers", sfs, "Collaboration"),
			skill("Document a child's participation with a pedagogical narration", sfs, "Writing"),
		},
		LearningOutcomes: []string{
			"Apply the BC Early Learning Framework to an inclusive practice plan",
			"Collaborate with a family on a child's participation goals",
		},
		AssessmentMethod: "A practice plan implemented in the learner's own setting, documented with pedagogical narrations and assessed by a faculty mentor.",
		DurationHours:    45,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.NonCredit,
		Level:            "Professional development",
		Prerequisites:    []string{"Early Childhood Educator Assistant certificate or higher"},
		TuitionFees:      "$560; eligible for provincial ECE professional development funding",
		TargetLearners:   []string{"Early childhood educators", "Early childhood educator assistants"},
		Partners:         []catalog.Partner{{Name: "Surrey Early Years Collaborative", Type: "community"}},
		NeedEvidence:     "Provincial inclusion funding requires trained staff; the collaborative's members have 40 educators waiting for training.",
		LaddersTo:        []string{"Diploma in Early Childhood Care and Education (Inclusive Care)"},
		Custom:           map[string]string{"consultation_summary": "ECCE faculty, the collaborative, and two child care centres."},
	})
}

func gisForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Geographic Information Systems Essentials",
		Description: "Collect, manage, analyse and map spatial data with desktop GIS, for work in planning, environment and utilities.",
		Competencies: []catalog.Competency{
			skill("Manage spatial data and coordinate systems", sfs, "Digital"),
			skill("Carry out a suitability analysis with vector and raster data", sfs, "Thinking"),
			skill("Produce a map that communicates an analysis", sfs, "Document Use"),
		},
		LearningOutcomes: []string{"Build a project geodatabase", "Run a site suitability analysis", "Publish a web map"},
		AssessmentMethod: "Four lab assignments and a capstone analysis for a community partner, assessed against a rubric.",
		DurationHours:    45,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.CreditBearing,
		Credits:          1.5,
		Level:            "Second-year undergraduate",
		TuitionFees:      "Tuition at the credit rate for 1.5 credits plus a $60 lab fee",
		TargetLearners:   []string{"Current students in environmental programs", "Municipal and utility staff"},
		NeedEvidence:     "Municipal planning departments in the region list GIS in most technician postings.",
		LaddersTo:        []string{"GEOG 2410 Advanced GIS"},
		TransferAgreements: []string{
			"BC Transfer Guide evaluation requested for GEOG 1.5-credit equivalency",
		},
		Custom: map[string]string{"consultation_summary": "Geography, Environmental Protection Technology and the City planning department."},
	})
}

func culturalSafetyForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Cultural Safety in Nursing Practice",
		Description: "Embedded in the Bachelor of Science in Nursing: recognizes the competencies of culturally safe, anti-racist care for Indigenous patients and families.",
		Competencies: []catalog.Competency{
			skill("Practise cultural humility in a patient encounter", sfs, "Oral Communication"),
			skill("Identify and address racism in a care setting", sfs, "Working with Others"),
		},
		LearningOutcomes:        []string{"Reflect on one's own social location", "Apply the BC Cultural Safety and Humility Standard"},
		AssessmentMethod:        "Observed clinical practice and a reflective portfolio, assessed within NRSG 3110.",
		DurationHours:           30,
		DeliveryMode:            catalog.InPerson,
		DeliveryTiming:          catalog.Synchronous,
		CreditStatus:            catalog.Embedded,
		Level:                   "Third-year undergraduate",
		TuitionFees:             "Included in NRSG 3110 tuition",
		TargetLearners:          []string{"Bachelor of Science in Nursing students"},
		NeedEvidence:            "Required by the BC College of Nurses and Midwives practice standard on Indigenous cultural safety.",
		IndigenousCollaboration: "Developed with KPU's Indigenous Elders in Residence; reviewed by the Faculty of Health Indigenization committee.",
		RequisiteFor:            []string{"NRSG 4100 Consolidated Practice Experience"},
		Custom:                  map[string]string{"consultation_summary": "Nursing curriculum committee; Elders in Residence."},
	})
}

func languageRevitalizationForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Foundations of Indigenous Language Revitalization",
		Description: "Introduces the methods communities use to revitalize their languages — mentor-apprentice learning, immersion, documentation — taught in partnership with a community language network.",
		Competencies: []catalog.Competency{
			skill("Plan a mentor-apprentice language learning session", sfs, "Oral Communication"),
			skill("Document language respectfully under community protocols (OCAP principles)", sfs, "Document Use"),
			skill("Design a community language learning activity", sfs, "Creativity and Innovation"),
		},
		LearningOutcomes: []string{
			"Describe the state of Indigenous languages in British Columbia",
			"Apply community protocols to recording and sharing language",
			"Lead a short immersion activity",
		},
		AssessmentMethod:        "A recorded mentor-apprentice session, a documentation plan reviewed by the partner network, and a community activity, each assessed against criteria set with the partner.",
		DurationHours:           45,
		DeliveryMode:            catalog.InPerson,
		DeliveryTiming:          catalog.Synchronous,
		CreditStatus:            catalog.CreditBearing,
		Credits:                 3,
		Level:                   "First-year undergraduate",
		TuitionFees:             "Tuition at the credit rate for 3 credits; sponsored seats for community members",
		TargetLearners:          []string{"Community language learners and teachers", "Education and social service workers", "KPU students"},
		Partners:                []catalog.Partner{{Name: "Fraser Valley Indigenous Language Network", Type: "indigenous"}},
		NeedEvidence:            "The partner network's language plan calls for trained community teachers; 25 community members asked for a credit pathway.",
		IndigenousCollaboration: "Co-designed with the partner network's language keepers, who co-teach and decide how language materials are recorded and shared; the community keeps ownership of its materials.",
		LearnerSupports:         "Sponsored seats, travel support for community members, and classes held in the community as well as on campus.",
		LaddersTo:               []string{"Associate of Arts, Indigenous Studies concentration"},
		TransferAgreements:      []string{"BC Transfer Guide: 3 credits of first-year Linguistics elective"},
		Custom:                  map[string]string{"consultation_summary": "The partner network, KPU Indigenous Services and the Faculty of Arts."},
	})
}

func academicIntegrityForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:             catalog.DigitalBadge,
		Title:            "Academic Integrity Tutorial",
		Description:      "Completion of KPU Library's academic integrity tutorial for students: citing sources, using generative AI tools honestly and avoiding plagiarism.",
		LearningOutcomes: []string{"Explain what counts as plagiarism at KPU", "Cite a source in APA style", "Describe acceptable use of generative AI in coursework"},
		DurationHours:    2,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "Free",
		TargetLearners:   []string{"All KPU students"},
		Custom:           map[string]string{"nominated_issuers": "Erin Walsh, KPU Library"},
	})
}

func peerTutorForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:             catalog.DigitalBadge,
		Title:            "Peer Tutor Training",
		Description:      "Completion of the Learning Centres' training for peer tutors: ten hours of workshops and three observed tutoring sessions.",
		LearningOutcomes: []string{"Plan a tutoring session", "Use questioning to support independent learning", "Refer students to campus services"},
		AssessmentMethod: "Three tutoring sessions observed by a coordinator against the tutor training checklist.",
		DurationHours:    10,
		DeliveryMode:     catalog.Blended,
		DeliveryTiming:   catalog.BothTimings,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "Free for hired peer tutors",
		TargetLearners:   []string{"KPU peer tutors"},
		Custom:           map[string]string{"nominated_issuers": "Lucas Martin, Learning Centres"},
	})
}

func oerForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:             catalog.DigitalBadge,
		Title:            "Open Educational Resources Foundations",
		Description:      "Completion of a self-paced introduction for instructors to finding, adapting and licensing open educational resources.",
		LearningOutcomes: []string{"Find OER for a course", "Choose and apply a Creative Commons licence"},
		DurationHours:    6,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Asynchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "Free for KPU employees",
		TargetLearners:   []string{"KPU instructors", "Instructional designers"},
		Custom:           map[string]string{"nominated_issuers": "Erin Walsh, KPU Library"},
	})
}

func urbanFarmingForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Sustainable Urban Farming Practices",
		Description: "Grow food commercially on small urban plots: soil health, season extension, integrated pest management and direct marketing.",
		Competencies: []catalog.Competency{
			skill("Plan a crop rotation for a small urban plot", sfs, "Numeracy"),
			skill("Apply integrated pest management on a small farm", sfs, "Problem Solving"),
		},
		LearningOutcomes: []string{"Build a season plan", "Keep soil and pest records"},
		AssessmentMethod: "A season plan and a practical assessment at the KPU teaching farm.",
		DurationHours:    30,
		DeliveryMode:     catalog.InPerson,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$420",
		TargetLearners:   []string{"New farmers", "Community garden coordinators"},
		Partners:         []catalog.Partner{{Name: "Lower Mainland Growers' Cooperative", Type: "industry"}},
		NeedEvidence:     "The cooperative's new-entrant program has a waiting list of 60.",
		Custom:           map[string]string{"consultation_summary": "Sustainable Agriculture faculty and the teaching farm."},
	})
}

func punjabiForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Conversational Punjabi for Health Care Settings",
		Description: "Everyday Punjabi for health care workers serving Punjabi-speaking patients and families in Surrey and the Fraser Valley.",
		Competencies: []catalog.Competency{
			skill("Greet, take a basic history and give simple instructions in Punjabi", sfs, "Oral Communication"),
		},
		LearningOutcomes: []string{"Hold a short patient conversation in Punjabi"},
		AssessmentMethod: "Oral assessment.",
		DurationHours:    24,
		DeliveryMode:     catalog.InPerson,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$380",
		TargetLearners:   []string{"Nurses, care aides and clinic staff"},
		NeedEvidence:     "Fraser Health reports Punjabi as the most requested interpretation language in Surrey.",
		Custom:           map[string]string{"consultation_summary": "Language and Cultures; Nursing."},
	})
}

func podcastForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:             catalog.MicroCredential,
		Title:            "Podcast Production Basics",
		Description:      "Plan, record, edit and publish a podcast episode.",
		Competencies:     []catalog.Competency{skill("Record and edit a podcast episode to broadcast standards", sfs, "Digital")},
		LearningOutcomes: []string{"Publish an episode with show notes"},
		AssessmentMethod: "A published episode assessed against a rubric.",
		DurationHours:    18,
		DeliveryMode:     catalog.Online,
		DeliveryTiming:   catalog.Synchronous,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$395",
		TargetLearners:   []string{"Communications staff", "Community organizations"},
		NeedEvidence:     "Enquiries after a 2024 workshop.",
	})
}

func machineLearningForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:        catalog.MicroCredential,
		Title:       "Machine Learning Foundations with Python",
		Description: "Build, evaluate and explain supervised machine learning models in Python, for analysts who already work with data.",
		Competencies: []catalog.Competency{
			skill("Prepare a dataset for supervised learning with pandas", noc, "21211"),
			skill("Train, tune and evaluate a classification model with scikit-learn", noc, "21211"),
		},
		LearningOutcomes: []string{"Choose a model and metric for a business problem", "Explain a model's predictions to a non-specialist"},
		DurationHours:    40,
		DeliveryMode:     catalog.Online,
		CreditStatus:     catalog.NonCredit,
		Prerequisites:    []string{"Data Analytics Essentials with Excel and Power BI, or equivalent"},
		TargetLearners:   []string{"Data and business analysts"},
	})
}

func shortCourseForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:             catalog.ShortCourse,
		Title:            "Conversational English for Newcomers",
		Description:      "An informal evening course in everyday English for newcomers to Canada.",
		LearningOutcomes: []string{"Hold everyday conversations at work and in the community"},
		DurationHours:    30,
		DeliveryMode:     catalog.InPerson,
		CreditStatus:     catalog.NonCredit,
		TuitionFees:      "$240",
	})
}

func microCourseForm() catalog.Form {
	return kpuForm(catalog.Form{
		Kind:             catalog.MicroCourse,
		Title:            "Statistics Refresher for Health Sciences",
		Description:      "A one-credit refresher in the statistics health science programs assume.",
		LearningOutcomes: []string{"Interpret confidence intervals and p-values in health research"},
		DurationHours:    15,
		DeliveryMode:     catalog.Online,
		CreditStatus:     catalog.CreditBearing,
		Credits:          1,
	})
}

// Review answers at KPU.
func kpuAnswers(duplicate bool, comment string) approval.SubmitReview {
	dup := "no"
	if duplicate {
		dup = "yes"
	}
	return approval.SubmitReview{Comment: comment, Answers: []approval.Answer{
		{Question: "duplication", Value: dup}, {Question: "competency_based", Value: "yes"}, {Question: "credit_bearing", Value: "no"},
	}}
}

func kpuCreditAnswers(comment string) approval.SubmitReview {
	return approval.SubmitReview{Comment: comment, Answers: []approval.Answer{
		{Question: "duplication", Value: "no"}, {Question: "competency_based", Value: "yes"}, {Question: "credit_bearing", Value: "yes"},
	}}
}

func badgeAnswers(comment string) approval.SubmitReview {
	return approval.SubmitReview{Comment: comment, Answers: []approval.Answer{
		{Question: "completion_based", Value: "yes"}, {Question: "belongs_elsewhere", Value: "no"},
	}}
}

func yes(comment string) approval.CastBallot {
	return approval.CastBallot{Approve: true, Comment: comment}
}
func no(comment string) approval.CastBallot {
	return approval.CastBallot{Approve: false, Comment: comment}
}

// smcApproval is an uneventful SMC case for a non credit-bearing
// micro-credential: submitted start working days ago, approved by the
// three reviewers, signed by the chair and then the Provost eleven working
// days later.
func smcApproval(s *site, start int, proponent string, reviewers [3]string) []step {
	r1, r2, r3 := reviewers[0], reviewers[1], reviewers[2]
	return []step{
		on(start, "10:15", proponent, submit{}),
		on(start-1, "09:40", "reid", approval.CompletenessDecision{Complete: true}),
		on(start-1, "09:55", "reid", approval.AssignReviewers{Reviewers: s.ids(r1, r2, r3)}),
		on(start-4, "14:20", r1, kpuAnswers(false, "Clear outcomes; the rubric matches the competencies.")),
		on(start-5, "11:05", r2, kpuAnswers(false, "")),
		on(start-6, "16:30", r3, kpuAnswers(false, "Employer evidence is convincing.")),
		on(start-7, "09:30", "reid", approval.CloseReview{}),
		on(start-7, "13:10", r1, yes("")),
		on(start-8, "10:20", r2, yes("")),
		on(start-8, "15:00", r3, yes("")),
		on(start-9, "10:00", "reid", sign{}),
		on(start-11, "15:45", "sandhu", sign{}),
	}
}

// planKPU schedules KPU's proposals, reviews and decisions.
func (p *populator) planKPU(s *site) {
	// Fifteen months ago: four micro-credentials approved; two run since,
	// two never did.
	data := p.propose(s, ScenarioActive, "CPS", "pearson", dataAnalyticsForm(), 0,
		append(smcApproval(s, 335, "pearson", [3]string{"haddad", "sharma", "kowalski"}),
			on(300, "10:00", "clarke", offeringRun{starts: s.ago(290, "18:00"), ends: s.ago(270, "21:00")}),
			on(75, "10:00", "clarke", offeringRun{starts: s.ago(60, "18:00"), ends: s.ago(40, "21:00")}))...)
	p.propose(s, ScenarioAnnualReviewDue, "NRSG", "dosanjh", mentalHealthForm(), 0,
		append(smcApproval(s, 333, "dosanjh", [3]string{"obrien", "sharma", "fischer"}),
			on(298, "11:00", "dhaliwal", offeringRun{starts: s.ago(285, "08:30"), ends: s.ago(284, "16:30")}),
			on(90, "11:00", "dhaliwal", offeringRun{starts: s.ago(80, "08:30"), ends: s.ago(79, "16:30")}))...)
	p.propose(s, ScenarioFlagged, "ENTR", "kwan", blockchainForm(), 0,
		smcApproval(s, 331, "kwan", [3]string{"nguyen", "kowalski", "novak"})...)
	nocode := p.propose(s, ScenarioDiscontinued, "CPS", "pearson", noCodeForm(), 0,
		smcApproval(s, 329, "pearson", [3]string{"haddad", "obrien", "fraser"})...)

	// The annual reviews fall due; CPS completes its review.
	p.at(s.ago(45, "06:00"), "kpu: schedule annual reviews", func(ctx context.Context) error {
		tasks, err := p.a.ScheduleAnnualReviews(ctx, s.inst.ID)
		if err == nil && len(tasks) == 0 {
			err = fmt.Errorf("no annual review was due")
		}
		return err
	})
	p.at(s.ago(41, "11:30"), "kpu: complete an annual review", func(ctx context.Context) error {
		return p.a.CompleteAnnualReview(ctx, data.id, s.id("clarke"),
			"Current. Two intakes this year, both full; employer partners asked for a follow-on in machine learning, now being drafted.")
	})
	// Offerings not run for a year are flagged to the Provost, who
	// proposes one for discontinuance; the SMC discontinues it.
	var flagged map[int64]int64
	p.at(s.ago(20, "06:00"), "kpu: flag idle offerings", func(ctx context.Context) error {
		ds, err := p.a.FlagIdleOfferings(ctx, s.inst.ID)
		flagged = map[int64]int64{}
		for _, d := range ds {
			flagged[d.OfferingID] = d.ID
		}
		return err
	})
	p.at(s.ago(15, "14:00"), "kpu: propose a discontinuance", func(ctx context.Context) error {
		_, err := p.a.ActOnDiscontinuance(ctx, flagged[nocode.id], s.id("sandhu"), approval.ProposeDiscontinuance{
			Note: "Not offered since approval; CPS confirms no demand. Proposed for discontinuance under AC15 B.1.g."})
		return err
	})
	p.at(s.ago(10, "15:30"), "kpu: discontinue", func(ctx context.Context) error {
		_, err := p.a.ActOnDiscontinuance(ctx, flagged[nocode.id], s.id("reid"), approval.DiscontinueOffering{
			Note: "Discontinued at the SMC meeting of " + s.cal.DateOf(s.ago(10, "15:30")).String() + "."})
		return err
	})

	// This season: the SMC's work in every state.
	p.propose(s, ScenarioApproved, "WELD", "almeida", weldingForm(), 0,
		smcApproval(s, 58, "almeida", [3]string{"nguyen", "obrien", "fischer"})...)

	lang := p.propose(s, ScenarioApprovedBySenate, "LANC", "wilkes", languageRevitalizationForm(), 0,
		on(59, "10:30", "wilkes", submit{}),
		on(58, "09:15", "reid", approval.CompletenessDecision{Complete: true}),
		on(58, "09:30", "reid", approval.AssignReviewers{Reviewers: s.ids("haddad", "kowalski", "novak")}),
		on(55, "13:00", "haddad", kpuCreditAnswers("A model of community partnership.")),
		on(54, "10:45", "kowalski", kpuCreditAnswers("")),
		on(52, "16:10", "novak", kpuCreditAnswers("Credits match the hours.")),
		on(51, "09:00", "reid", approval.CloseReview{}),
		on(51, "11:30", "haddad", yes("")),
		on(50, "09:50", "kowalski", yes("")),
		on(50, "14:25", "novak", yes("")),
		on(49, "10:00", "reid", sign{}),
		on(47, "16:00", "sandhu", sign{}),
		on(30, "16:00", "stone", approval.Recommend{Recommend: true, Note: "Recommended to Senate; transfer credit noted."}),
	)
	p.propose(s, ScenarioAtSenate, "NRSG", "dosanjh", culturalSafetyForm(), 0,
		on(57, "11:00", "dosanjh", submit{}),
		on(56, "09:20", "reid", approval.CompletenessDecision{Complete: true}),
		on(56, "09:35", "reid", approval.AssignReviewers{Reviewers: s.ids("obrien", "sharma", "fraser")}),
		on(53, "15:30", "obrien", kpuCreditAnswers("")),
		on(52, "10:10", "sharma", kpuCreditAnswers("")),
		on(51, "13:40", "fraser", kpuCreditAnswers("Embedded in NRSG 3110; requisite for the practicum.")),
		on(50, "09:10", "reid", approval.CloseReview{}),
		on(49, "10:05", "obrien", yes("")),
		on(49, "11:45", "sharma", yes("")),
		on(48, "09:30", "fraser", yes("")),
		on(47, "11:00", "reid", sign{}),
		on(45, "14:15", "sandhu", sign{}),
		on(30, "16:10", "stone", approval.Recommend{Recommend: true, Note: "Recommended to Senate."}),
	)
	p.propose(s, ScenarioInterimAtSSCC, "GEOG", "tremblay", gisForm(), 0,
		on(52, "14:00", "tremblay", submit{}),
		on(51, "09:45", "reid", approval.CompletenessDecision{Complete: true}),
		on(51, "10:00", "reid", approval.AssignReviewers{Reviewers: s.ids("haddad", "nguyen", "fischer")}),
		on(48, "11:20", "haddad", kpuCreditAnswers("")),
		on(47, "15:50", "nguyen", kpuCreditAnswers("")),
		on(45, "10:30", "fischer", kpuCreditAnswers("Municipal demand is real; CPS could run a non-credit section.")),
		on(44, "09:05", "reid", approval.CloseReview{}),
		on(44, "13:30", "haddad", yes("")),
		on(43, "10:40", "nguyen", yes("")),
		on(43, "16:20", "fischer", yes("")),
		on(41, "09:30", "reid", sign{}),
		on(38, "15:10", "sandhu", sign{}),
	)
	p.at(s.ago(50, "14:00"), "kpu: SSCC meets", p.meeting(s, "sscc", s.ago(50, "14:00"), "Regular meeting."))
	p.at(s.ago(30, "14:00"), "kpu: SSCC meets", p.meeting(s, "sscc", s.ago(30, "14:00"),
		"Regular meeting: two credit-bearing micro-credentials recommended to Senate; the Provost's digital badge report received."))
	p.at(s.ago(8, "15:00"), "kpu: Senate meets", p.meeting(s, "senate", s.ago(8, "15:00"), "Regular meeting of Senate."))
	p.at(s.ago(8, "17:30"), "kpu: Senate decides", func(ctx context.Context) error {
		c, _, err := p.a.Act(ctx, lang.c.ID, s.id("cho"), approval.RecordDecision{Approved: true,
			Note: "Approved by Senate at its meeting of " + s.cal.DateOf(s.ago(8, "15:00")).String() + "."})
		if err == nil {
			lang.c = c
		}
		return err
	})

	// Digital badges through the DBC; the Provost reports them to SSCC,
	// whose chair challenges one.
	p.propose(s, ScenarioBadgeApproved, "LIBR", "walsh", academicIntegrityForm(), 0,
		on(52, "11:10", "walsh", submit{}),
		on(51, "10:00", "ali", approval.CompletenessDecision{Complete: true}),
		on(49, "14:00", "okafor", badgeAnswers("")),
		on(48, "10:30", "mills", badgeAnswers("Students ask for this on their co-curricular record.")),
		on(48, "15:15", "mensah", badgeAnswers("")),
		on(47, "09:40", "ali", badgeAnswers("")),
		on(46, "09:00", "ali", approval.CloseReview{}),
		on(46, "10:15", "ali", yes("")),
		on(45, "11:00", "okafor", yes("")),
		on(45, "13:20", "mensah", yes("")),
	)
	tutor := p.propose(s, ScenarioBadgeChallenged, "LC", "martin", peerTutorForm(), 0,
		on(50, "13:30", "martin", submit{}),
		on(49, "10:10", "ali", approval.CompletenessDecision{Complete: true}),
		on(47, "11:00", "okafor", badgeAnswers("")),
		on(47, "14:30", "ali", badgeAnswers("")),
		on(46, "10:00", "mensah", badgeAnswers("The observed sessions look like assessment; worth a second look.")),
		on(45, "15:40", "mills", badgeAnswers("")),
		on(44, "09:15", "ali", approval.CloseReview{}),
		on(44, "10:30", "ali", yes("")),
		on(43, "09:45", "mills", yes("")),
		on(43, "14:00", "okafor", yes("")),
	)
	p.at(s.ago(35, "10:00"), "kpu: the Provost's badge report", func(ctx context.Context) error {
		rep, err := p.a.SendBadgeReport(ctx, s.inst.ID, s.id("sandhu"))
		if err == nil && len(rep.Items) == 0 {
			err = fmt.Errorf("the badge report lists no badge")
		}
		return err
	})
	nextSSCC := s.later(9, "14:00")
	p.at(s.ago(28, "11:00"), "kpu: SSCC challenges a badge", func(ctx context.Context) error {
		_, err := p.a.RaiseChallenge(ctx, tutor.id, s.id("stone"),
			"The training assesses tutoring against a checklist in observed sessions: SSCC believes it recognizes competencies and should have been proposed as a micro-credential (AC15 B.2.d).",
			nextSSCC)
		return err
	})
	p.propose(s, ScenarioBadgeInReview, "LIBR", "walsh", oerForm(), 0,
		on(6, "10:00", "walsh", submit{}),
		on(5, "09:30", "ali", approval.CompletenessDecision{Complete: true}),
		on(3, "14:45", "okafor", badgeAnswers("")),
		on(2, "10:20", "mills", badgeAnswers("")),
	)

	// Cases waiting at every SMC step.
	p.propose(s, ScenarioAwaitingCompleteness, "AGRI", "okoro", urbanFarmingForm(), 0,
		on(2, "15:30", "okoro", submit{}))
	p.propose(s, ScenarioIncomplete, "LANC", "sidhu", punjabiForm(), 0,
		on(9, "13:00", "sidhu", submit{}),
		on(7, "10:30", "reid", approval.CompletenessDecision{Complete: false,
			Feedback: "Please describe how the oral assessment is run and scored (who assesses, against what criteria), add learning outcomes for each competency, and state the fee schedule for employer-sponsored groups."}),
	)
	p.propose(s, ScenarioReviewLate, "ACCT", "bains", biDashboardsForm(), 0,
		on(17, "09:30", "bains", submit{}),
		on(16, "09:30", "reid", approval.CompletenessDecision{Complete: true}),
		on(16, "09:45", "reid", approval.AssignReviewers{Reviewers: s.ids("sharma", "fischer", "obrien")}),
		on(13, "15:00", "sharma", kpuAnswers(true, "Overlaps CPS's Data Analytics Essentials with Excel and Power BI, which also teaches Power BI dashboards.")),
		on(12, "10:00", "reid", consult{existing: data, consultee: "gill"}),
		on(9, "16:45", "gill", approval.RespondToConsultation{Consultation: 1,
			Response: "Some overlap in Power BI basics, but this one is about financial reporting for accountants. CPS supports it if the first module recognizes Data Analytics Essentials."}),
		on(8, "11:30", "fischer", kpuAnswers(false, "Distinct audience from the CPS offering, per the consultation.")),
	)
	p.propose(s, ScenarioAwaitingVote, "ACCT", "bains", bookkeepingForm(), 0,
		on(30, "10:00", "bains", submit{with: []string{"lee"}}),
		on(29, "09:00", "reid", approval.CompletenessDecision{Complete: false,
			Feedback: "Add the assessment rubric (what a passing month-end close must show) and the fee."}),
		on(27, "16:30", "bains", edit(func(f *catalog.Form) {
			f.AssessmentMethod = "Weekly practice sets and a final month-end close for a sample company, marked against a published rubric: the books must reconcile and remittances must be correct."
			f.TuitionFees = "$720 including a one-year software licence"
		})),
		on(26, "09:15", "bains", approval.Resubmit{Note: "Rubric and fee added as the chair asked."}),
		on(25, "09:45", "reid", approval.CompletenessDecision{Complete: true}),
		on(25, "10:00", "reid", approval.AssignReviewers{Reviewers: s.ids("nguyen", "kowalski", "novak")}),
		on(22, "14:10", "nguyen", kpuAnswers(false, "")),
		on(21, "11:25", "kowalski", kpuAnswers(false, "")),
		on(19, "15:35", "novak", kpuAnswers(false, "Good use of the partner network.")),
		on(18, "09:00", "reid", approval.CloseReview{}),
		on(17, "10:40", "nguyen", yes("")),
		on(16, "13:05", "kowalski", yes("")),
	)
	meetAt := s.later(3, "15:00")
	p.propose(s, ScenarioMeeting, "NRSG", "dosanjh", traumaForm(), 0,
		on(28, "11:15", "dosanjh", submit{}),
		on(27, "09:20", "reid", approval.CompletenessDecision{Complete: true}),
		on(27, "09:35", "reid", approval.AssignReviewers{Reviewers: s.ids("sharma", "kowalski", "fischer")}),
		on(24, "10:50", "sharma", kpuAnswers(false, "")),
		on(23, "14:05", "kowalski", kpuAnswers(false, "A quiz and a journal do not show the competencies are met.")),
		on(21, "09:55", "fischer", kpuAnswers(false, "")),
		on(20, "09:10", "reid", approval.CloseReview{}),
		on(19, "11:30", "sharma", yes("")),
		on(18, "10:15", "kowalski", no("The assessment does not test the competencies; I would approve with an observed role play.")),
		on(18, "15:50", "fischer", yes("")),
		on(17, "09:40", "reid", approval.ScheduleMeeting{At: meetAt, Place: "Microsoft Teams (link in the calendar invitation)"}),
	)
	p.propose(s, ScenarioReturned, "AGRI", "okoro", droneForm(), 0,
		on(42, "13:45", "okoro", submit{}),
		on(41, "09:30", "reid", approval.CompletenessDecision{Complete: true}),
		on(41, "09:45", "reid", approval.AssignReviewers{Reviewers: s.ids("haddad", "nguyen", "fraser")}),
		on(38, "16:00", "haddad", kpuAnswers(false, "")),
		on(37, "11:10", "nguyen", kpuAnswers(false, "Flight safety content is thin.")),
		on(36, "10:25", "fraser", kpuAnswers(false, "Needs a Transport Canada compliant operations manual component.")),
		on(35, "09:00", "reid", approval.CloseReview{}),
		on(34, "10:00", "haddad", yes("")),
		on(34, "14:30", "nguyen", no("Flight safety.")),
		on(33, "09:20", "fraser", no("Regulatory content.")),
		on(33, "10:00", "reid", approval.ScheduleMeeting{At: s.ago(30, "14:00"), Place: "Microsoft Teams"}),
		on(30, "15:30", "reid", approval.RecordMinutes{
			Minutes:   "Reviewers discussed flight safety and regulatory content. The proponent is asked to add an operations manual module and a safety assessment.",
			Attendees: s.ids("reid", "haddad", "nguyen", "fraser")}),
		on(29, "10:10", "haddad", yes("")),
		on(29, "11:40", "nguyen", no("Still needs the safety module.")),
		on(28, "09:30", "fraser", no("As discussed.")),
	)
	p.propose(s, ScenarioAppealed, "MRKT", "ferreira", socialAnalyticsForm(), 0,
		on(44, "10:40", "ferreira", submit{}),
		on(43, "09:10", "reid", approval.CompletenessDecision{Complete: true}),
		on(43, "09:25", "reid", approval.AssignReviewers{Reviewers: s.ids("obrien", "sharma", "kowalski")}),
		on(40, "15:15", "obrien", kpuAnswers(false, "")),
		on(39, "10:35", "sharma", kpuAnswers(false, "")),
		on(38, "13:50", "kowalski", kpuAnswers(false, "")),
		on(37, "09:05", "reid", approval.CloseReview{}),
		on(36, "10:30", "obrien", no("Too close to existing marketing electives.")),
		on(36, "14:00", "sharma", yes("")),
		on(35, "09:45", "kowalski", no("")),
		on(35, "10:30", "reid", approval.ScheduleMeeting{At: s.ago(33, "11:00"), Place: "Microsoft Teams"}),
		on(33, "12:30", "reid", approval.RecordMinutes{Minutes: "Discussed overlap with MRKT 3350.", Attendees: s.ids("reid", "obrien", "sharma", "kowalski")}),
		on(32, "10:00", "obrien", no("Overlap remains.")),
		on(32, "13:15", "sharma", yes("")),
		on(31, "09:30", "kowalski", no("")),
		on(29, "16:20", "ferreira", approval.FileAppeal{
			Grounds: "The reviewers treated the micro-credential as a duplicate of MRKT 3350, but it serves working professionals, is non-credit and was developed at employers' request; the duplication question was answered \"no\" by all three reviewers."}),
	)
	p.propose(s, ScenarioAwaitingProvost, "ECCE", "bergeron", inclusiveEarlyLearningForm(), 0,
		on(26, "13:20", "bergeron", submit{}),
		on(25, "09:15", "reid", approval.CompletenessDecision{Complete: true}),
		on(25, "09:30", "reid", approval.AssignReviewers{Reviewers: s.ids("haddad", "nguyen", "fischer")}),
		on(22, "11:45", "haddad", kpuAnswers(false, "")),
		on(21, "10:05", "nguyen", kpuAnswers(false, "")),
		on(20, "14:40", "fischer", kpuAnswers(false, "CPS can co-market this.")),
		on(19, "09:00", "reid", approval.CloseReview{}),
		on(18, "10:45", "haddad", yes("")),
		on(18, "13:30", "nguyen", yes("")),
		on(17, "11:15", "fischer", yes("")),
		on(15, "10:30", "reid", sign{}),
	)
	p.propose(s, ScenarioWithdrawn, "CPS", "pearson", podcastForm(), 0,
		on(50, "10:00", "pearson", submit{}),
		on(49, "09:30", "reid", approval.CompletenessDecision{Complete: true}),
		on(49, "09:45", "reid", approval.AssignReviewers{Reviewers: s.ids("haddad", "obrien", "kowalski")}),
		on(47, "15:00", "pearson", approval.Withdraw{Reason: "CPS has paused its media production programming."}),
	)
	p.propose(s, ScenarioDraft, "CPSC", "rahimi", machineLearningForm(), 5)
	p.propose(s, ScenarioShortCourse, "CPS", "pearson", shortCourseForm(), 24)
	p.propose(s, ScenarioMicroCourse, "NRSG", "dosanjh", microCourseForm(), 22)

	p.kpuHints(s, meetAt, nextSSCC)
}

// kpuHints tells each KPU person what waits for them.
func (p *populator) kpuHints(s *site, meetAt, nextSSCC time.Time) {
	day := func(t time.Time) string { return s.cal.DateOf(t).String() }
	s.tell("bell", "As holder of AC15, you are reminded when it is due for review.")
	s.tell("ellis", "Administer institutions, org units, committees and chair elections, people and roles, and closures.")
	s.tell("reid", "As SMC chair: check %q for completeness; replace the late reviewer on %q; decide whether to hear the appeal of %q; hold the meeting on %q (%s).",
		urbanFarmingForm().Title, biDashboardsForm().Title, socialAnalyticsForm().Title, traumaForm().Title, day(meetAt))
	s.tell("sandhu", "Sign %q; explain %q to SSCC before its meeting on %s; consider %q for discontinuance.",
		inclusiveEarlyLearningForm().Title, peerTutorForm().Title, day(nextSSCC), blockchainForm().Title)
	s.tell("novak", "Cast the last ballot on %q.", bookkeepingForm().Title)
	s.tell("obrien", "Your review of %q is overdue.", biDashboardsForm().Title)
	s.tell("kowalski", "Attend the SMC meeting on %q (%s).", traumaForm().Title, day(meetAt))
	s.tell("ali", "Chair the DBC: %q is under review.", oerForm().Title)
	s.tell("mensah", "Review the digital badge %q.", oerForm().Title)
	s.tell("stone", "As SSCC chair: recommend %q to Senate; the challenge of %q is on your agenda for %s.",
		gisForm().Title, peerTutorForm().Title, day(nextSSCC))
	s.tell("whitford", "Prepare the SSCC agenda for %s.", day(nextSSCC))
	s.tell("cho", "Record Senate's decision on %q.", culturalSafetyForm().Title)
	s.tell("gill", "You answered the duplication consultation on %q.", biDashboardsForm().Title)
	s.tell("clarke", "%q is running; its annual review is done.", dataAnalyticsForm().Title)
	s.tell("dhaliwal", "Complete the annual review of %q.", mentalHealthForm().Title)
	s.tell("raman", "Issue, revoke and look up awards; record credit on learner records.")
	s.tell("herrera", "Issue awards for approved offerings, one at a time or in bulk.")
	s.tell("rahimi", "Finish the draft %q and submit it.", machineLearningForm().Title)
	s.tell("sidhu", "Revise %q after the chair's feedback and resubmit.", punjabiForm().Title)
	s.tell("okoro", "Revise %q after the SMC meeting and resubmit.", droneForm().Title)
	s.tell("ferreira", "Your appeal of the decision on %q awaits the SMC chair.", socialAnalyticsForm().Title)
	s.tell("bains", "Follow %q (awaiting a ballot) and %q (in review).", bookkeepingForm().Title, biDashboardsForm().Title)
	s.tell("dosanjh", "%q goes to an SMC meeting on %s; %q awaits Senate.", traumaForm().Title, day(meetAt), culturalSafetyForm().Title)
	s.tell("tremblay", "%q may be offered as non-credit while SSCC reviews it.", gisForm().Title)
	s.tell("wilkes", "%q was approved by Senate.", languageRevitalizationForm().Title)
	s.tell("kaur", "See your awards and share them.")
	s.tell("reyes", "See your awards and share them.")
	s.tell("zhou", "See your awards and share them.")
}
