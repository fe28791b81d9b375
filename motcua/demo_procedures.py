"""Demo procedure catalogue: the commune procedures of domain.md §11.

Deadlines and bases follow domain.md; papers and fees are typical published values, for
demonstration only — a real site imports its province's published catalogue (CSV). Procedures
that domain.md lists without a national code carry a local "DP." code.
"""

ORIGINAL, COPY, SHOWN = "original", "copy", "shown"


def doc(name, kind=ORIGINAL, count=1):
    return {"name": name, "kind": kind, "count": count}


ID_PAPER = doc("Giấy tờ tùy thân của người nộp (CCCD/hộ chiếu)", SHOWN)
PROCEDURES = [
    dict(code="1.001193", name="Đăng ký khai sinh", field="Hộ tịch", agency="UBND cấp xã",
         same_day=True, fee=0, fee_note="Miễn lệ phí nếu đăng ký đúng hạn",
         documents=[doc("Tờ khai đăng ký khai sinh"), doc("Giấy chứng sinh"), ID_PAPER]),
    dict(code="1.000894", name="Đăng ký kết hôn", field="Hộ tịch", agency="UBND cấp xã",
         same_day=True, fee=0, fee_note="Miễn lệ phí cho công dân cư trú trong nước", in_person_only=True,
         postal_allowed=False,
         documents=[doc("Tờ khai đăng ký kết hôn"), doc("Giấy tờ tùy thân của hai bên nam, nữ", SHOWN)]),
    dict(code="1.000656", name="Đăng ký khai tử", field="Hộ tịch", agency="UBND cấp xã",
         same_day=True, fee=0, fee_note="Miễn lệ phí nếu đăng ký đúng hạn",
         documents=[doc("Tờ khai đăng ký khai tử"), doc("Giấy báo tử hoặc giấy tờ thay giấy báo tử"),
                    ID_PAPER]),
    dict(code="1.004859", name="Thay đổi, cải chính hộ tịch", field="Hộ tịch", agency="UBND cấp xã",
         deadline_days=3, fee=15000,
         documents=[doc("Tờ khai đăng ký thay đổi, cải chính hộ tịch"),
                    doc("Giấy tờ làm căn cứ thay đổi, cải chính", COPY), ID_PAPER]),
    dict(code="1.004873", name="Xác nhận tình trạng hôn nhân", field="Hộ tịch", agency="UBND cấp xã",
         deadline_days=3, fee=15000,
         documents=[doc("Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"), ID_PAPER]),
    dict(code="2.000635", name="Cấp bản sao trích lục hộ tịch", field="Hộ tịch", agency="UBND cấp xã",
         same_day=True, fee=8000, fee_note="8.000 đồng/bản sao",
         documents=[doc("Tờ khai cấp bản sao trích lục hộ tịch"), ID_PAPER]),
    dict(code="2.000815", name="Chứng thực bản sao từ bản chính", field="Chứng thực", agency="UBND cấp xã",
         same_day=True, fee=2000, fee_note="2.000 đồng/trang; từ trang thứ ba 1.000 đồng/trang",
         documents=[doc("Bản chính giấy tờ cần chứng thực", SHOWN), doc("Bản sao cần chứng thực", COPY)]),
    dict(code="2.000884", name="Chứng thực chữ ký", field="Chứng thực", agency="UBND cấp xã",
         same_day=True, fee=10000, fee_note="10.000 đồng/trường hợp",
         documents=[doc("Giấy tờ, văn bản cần chứng thực chữ ký"), ID_PAPER]),
    dict(code="DP.CT.01", name="Chứng thực hợp đồng, giao dịch", field="Chứng thực", agency="UBND cấp xã",
         deadline_days=2, fee=50000, in_person_only=True, postal_allowed=False,
         documents=[doc("Dự thảo hợp đồng, giao dịch"), doc("Giấy tờ tùy thân của các bên", SHOWN),
                    doc("Giấy tờ chứng minh quyền sở hữu, sử dụng tài sản", COPY)]),
    dict(code="1.004222", name="Đăng ký thường trú", field="Cư trú", agency="Công an cấp xã",
         deadline_days=7, fee=20000,
         documents=[doc("Tờ khai thay đổi thông tin cư trú (CT01)"),
                    doc("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", COPY)]),
    dict(code="1.004194", name="Đăng ký tạm trú", field="Cư trú", agency="Công an cấp xã",
         deadline_days=3, fee=15000,
         documents=[doc("Tờ khai thay đổi thông tin cư trú (CT01)"),
                    doc("Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp", COPY)]),
    dict(code="1.001612", name="Đăng ký thành lập hộ kinh doanh", field="Hộ kinh doanh",
         agency="UBND cấp xã", deadline_days=3, fee=100000,
         documents=[doc("Giấy đề nghị đăng ký hộ kinh doanh"),
                    doc("Bản sao giấy tờ pháp lý của chủ hộ kinh doanh", COPY)]),
    dict(code="DP.DD.01", name="Đính chính Giấy chứng nhận quyền sử dụng đất", field="Đất đai",
         agency="UBND cấp xã", deadline_days=8, fee=0,
         documents=[doc("Đơn đề nghị đính chính"), doc("Bản gốc Giấy chứng nhận đã cấp")]),
]
