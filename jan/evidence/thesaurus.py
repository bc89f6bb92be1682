"""General customer-experience vocabulary as groups of interchangeable words, Dutch and English.

A question word that belongs to a group brings the group's other words into the lexical query at a lower
weight, so 'cliënt' also finds 'klant', 'personeel' finds 'medewerker' and 'support agents' finds
'klantenservice' and 'medewerkers'. Groups are broad concepts of the field, not phrases of any document.
Words are matched after Dutch stemming (both sides), so inflected forms match too.
"""

from __future__ import annotations

GROUPS: tuple[str, ...] = (
    # people on both sides of the counter
    "klant klanten cliënt cliënten consument consumenten afnemer afnemers gebruiker gebruikers customer customers "
    "client clients consumer consumers user users",
    "medewerker medewerkers personeel werknemer werknemers collega collega's staf employee employees staff "
    "personnel worker workers agent agents colleague colleagues workforce",
    "klantenservice klantendienst servicedesk helpdesk callcenter contactcenter klantcontact support helpdesk "
    "call-centre call-center callcentre contact-centre servicedesk",
    "leidinggevende leidinggevenden manager managers management directie directeur bestuur bestuurder "
    "bestuurders leiding topmanagement board executive executives leadership boss bosses",
    "ontwikkelaar ontwikkelaars techneut techneuten engineer engineers developer developers programmer "
    "programmers backend it-afdeling it'ers",
    "bewoner bewoners inwoner inwoners huurder huurders burger burgers resident residents tenant tenants "
    "inhabitant inhabitants citizen citizens",
    "donateur donateurs gever gevers schenker donor donors giver givers donation donations giving",
    "lid leden kernleden vereniging member members membership association",
    "vrijwilliger vrijwilligers vrijwilligerswerk volunteer volunteers volunteering",
    "patiënt patiënten zorgverlener verpleegkundige verpleegkundigen patient patients nurse nurses caregiver",
    "concurrent concurrenten concurrentie concurreren competitor competitors competition compete rival rivals",
    # feelings and judgements
    "tevreden tevredenheid blij voldoening gelukkig plezier satisfied satisfaction happy happier happiness "
    "pleased fulfilment fulfillment",
    "ontevreden klacht klachten frustratie gefrustreerd teleurgesteld teleurstelling ergernis boos unhappy "
    "dissatisfied complaint complaints complain frustrated frustration disappointed annoyed angry",
    "enthousiast enthousiasme juichen fan fans ambassadeur ambassadeurs delight delighted enthusiastic "
    "enthusiasm cheer advocate advocates ambassador ambassadors promoter promoters",
    "loyaal loyaliteit trouw binding loyal loyalty retention",
    "vertrouwen betrouwbaar trust reliable",
    "vriendelijk vriendelijkheid klantvriendelijk gastvrij gastvrijheid friendly friendliness hospitality "
    "welcoming",
    "empathie inleven begrip empathy understanding",
    # money and buying
    "kopen koop aankoop aankopen gekocht koper verkopen verkocht verkoop buy buying bought purchase purchased "
    "purchases sell selling sold sale sales",
    "prijs prijzen korting kortingen goedkoop goedkoper goedkoopste price prices pricing discount discounts "
    "cheap cheaper cheapest",
    "kosten geld budget uitgaven duur kostbaar investering investeren cost costs money budget spend spending "
    "expensive costly investment invest",
    "winst omzet rendement opbrengst profit profits revenue turnover return",
    # organisation
    "organisatie organisaties bedrijf bedrijven onderneming ondernemingen instelling instellingen "
    "organisation organisations organization organizations company companies business businesses firm",
    "afdeling afdelingen silo silo's department departments silo silos unit units division",
    "structuur organisatiestructuur organigram hiërarchie hiërarchisch structure org-chart orgchart hierarchy "
    "hierarchical",
    "kpi kpi's indicator indicatoren prestatie-indicatoren performance-indicatoren doelstelling doelstellingen "
    "target targets kpi kpis metric metrics indicator indicators objectives",
    "meten meting metingen gemeten dashboard cijfers score measure measured measuring measurement dashboard "
    "numbers",
    "enquête enquêtes vragenlijst tevredenheidsmeting onderzoek survey surveys questionnaire poll research",
    "procedure procedures protocol protocollen protocollering regels regel voorschriften procedure procedures "
    "protocol protocols rules rule regulations compliance",
    "proces processen werkwijze process processes workflow",
    "fout fouten foutloos vergissing foutvermijding mistake mistakes error errors defect",
    "efficiëntie efficiënt productiviteit efficiency efficient productivity",
    "cultuur houding mentaliteit culture attitude mindset",
    "strategie positionering koers strategy positioning",
    "project projecten programma initiatief project projects programme program initiative",
    "opleiding opleidingen training trainen opleiden coaching training train coaching",
    "beleid beleidsplan policy policies",
    "missie visie kernwaarden missietekst mission vision values",
    # service and contact
    "product producten dienst diensten aanbod propositie dienstverlening product products service services "
    "offer offering proposition",
    "kanaal kanalen channel channels omnichannel",
    "telefoon telefoonnummer bellen gebeld telefonisch phone telephone call calls calling phone-number",
    "website site online internet webshop digitaal website site online web internet digital webshop",
    "mail e-mail email mails emails",
    "contactmoment contactmomenten touchpoint touchpoints interactie interactions interaction",
    "ervaring ervaringen beleving klantervaring klantervaringen klantbeleving experience experiences",
    "klantreis klantreizen customer-journey journey journeys",
    "wachten wachttijd wachttijden wachtrij wait waiting queue",
    "snel sneller snelheid vlot fast faster quick quickly speed",
    "persoonlijk persoonlijke maatwerk individueel individuele personal personalised personalized tailored "
    "individual",
    "behoefte behoeften wens wensen verwachting verwachtingen need needs wish wishes expectation expectations",
    "segment segmenten doelgroep doelgroepen segment segments audience",
    "informeren communiceren communicatie inform informing communicate communication",
    "oplossen oplossing helpen geholpen fix fixing fixed solve solving resolve help",
    "probleem problemen issue issues problem problems",
    "bevoegdheid bevoegdheden mandaat autonomie zelfstandig authority empower empowering empowered empowerment "
    "autonomy mandate",
    "beslissen beslissing beslissingen besluit besluiten meebeslissen beslissingsrecht decide decision "
    "decisions vote",
    "betrekken inspraak participatie meedenken cocreatie co-creatie involve involvement participation "
    "participate co-create",
    "luisteren feedback mening listen listening feedback opinion opinions",
    "aanbevelen aanbeveling doorvertellen mond-tot-mondreclame recommend recommendation word-of-mouth referral",
    "reputatie imago reputation image",
    "pilot pilots prototype prototypes experiment experimenten uitproberen testen pilot pilots prototype "
    "prototypes experiment experiments try trial testing",
    "idee ideeën innovatie vernieuwing idea ideas innovation",
    "keuze keuzes kiezen kies kiest koos kozen gekozen keus choice choices choose chose chosen",
    # knowledge and community
    "artikel artikelen content publicatie publiceren blog kennis article articles content publish publishing "
    "blog posts",
    "community gemeenschap netwerk platform community network platform",
    "delen kennisdeling share sharing",
    "software systeem systemen tooling pakket software system systems tooling tool tools package",
    # public sector
    "overheid gemeente gemeentebestuur stadsbestuur ambtenaar ambtenaren publiek overheidsorganisatie "
    "government municipality public civil-servant",
    "zorg ziekenhuis zorginstelling healthcare hospital clinic",
    "concreet tastbaar tastbare tangible concrete",
)


def build(stem) -> dict[str, set[str]]:
    """stem -> the surface words of every group holding a word with that stem."""
    index: dict[str, set[str]] = {}
    for group in GROUPS:
        words = set(group.split())
        for w in words:
            index.setdefault(stem(w), set()).update(words)
    return index
