"""English for issue 11 (english)."""

EN_DAY_ENGLISH = {
    # Fields of procedures (lĩnh vực) as the national catalogue names them: queue subtitles, the
    # kiosk's procedure list, intake. A site's own field without an entry here shows in Vietnamese.
    "Hộ tịch": "Civil status",
    "Chứng thực": "Certification",
    "Đất đai": "Land",
    "Xây dựng, nhà ở": "Construction and housing",
    "Cư trú": "Residence",
    "Bảo trợ xã hội": "Social protection",
    "Người có công": "People with meritorious service",
    "Hộ kinh doanh": "Household businesses",
    "Nông nghiệp – môi trường": "Agriculture and environment",
}
