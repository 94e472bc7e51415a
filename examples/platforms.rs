//! Writes one sample order export per platform into `examples/platforms/`, for the built-in
//! profiles (`src/profile/builtin/*.yaml`) and `rules/storefront.rules`.
//!
//! Every file holds the same twelve orders of a made-up children's-apparel shop, in the same
//! order, written the way each platform writes its export: Shopify (one row per line item),
//! Amazon's All Orders report (tab-separated), Taobao's 订单报表 (GBK, CRLF, one row per
//! order, `="…"` ids), JD (one row per SKU), TikTok Shop (byte-order mark, a tab after every
//! value, `$1,234.50`), WooCommerce (WebToffee, items in `line_item_N` columns) and a German
//! WooCommerce shop (`;`-separated, `1.234,50 €`). Names, phones and addresses are made up.
//! Each order is placed (and paid, 14 s later) at the same instant in every file, written in
//! the platform's layout and the shop's zone by jiff's rules: Shopify New York with the
//! offset, Amazon UTC, Taobao and JD China time, TikTok Los Angeles, WooCommerce New York
//! and Berlin without an offset, as the built-in profiles (and woocommerce-eu) expect.
//! The output is the same on every run.
//!
//! ```sh
//! cargo run --example platforms
//! ```

use std::fs;
use std::path::Path;

#[derive(Clone, Copy, PartialEq)]
enum Status {
    AwaitingPayment,
    AwaitingShipment,
    Shipped,
    Cancelled,
}
use Status::{AwaitingPayment, AwaitingShipment, Cancelled, Shipped};

struct Product {
    sku: &'static str,
    /// `Title - Variation`
    title: &'static str,
    title_zh: &'static str,
    /// Unit price in cents.
    price: i64,
    asin: &'static str,
}

const fn p(
    sku: &'static str,
    title: &'static str,
    title_zh: &'static str,
    price: i64,
    asin: &'static str,
) -> Product {
    Product {
        sku,
        title,
        title_zh,
        price,
        asin,
    }
}

#[rustfmt::skip]
const CATALOGUE: [Product; 13] = [
    p("KT-ORG-01", "Organic Cotton Tee - Sage / 4T", "有机棉短袖T恤 鼠尾草绿 110cm", 1900, "B0DKT4ORG1"),
    p("KP-JGR-03", "Everyday Jogger Pants - Navy / 5T", "日常束脚运动裤 藏青 120cm", 2400, "B0DKP5JGR3"),
    p("KD-DRS-02", "Floral Twirl Dress - 6", "碎花旋转连衣裙 130cm", 3200, "B0DKD6DRS2"),
    p("KJ-PUF-04", "Puffer Jacket - Red / 6", "轻暖羽绒服 红色 130cm", 8900, "B0DKJ6PUF4"),
    p("KS-PJ-05", "Bamboo Pajama Set - Stars / 4T", "竹纤维睡衣套装 星星 110cm", 2800, "B0DKS4PJ05"),
    p("KB-ONE-06", "Newborn Onesie 3-Pack - 0-3M", "新生儿连体衣三件装 0-3月", 2600, "B0DKB0ONE6"),
    p("KU-POL-07", "School Uniform Polo - White / 6", "校服POLO衫 白色 130cm", 3600, "B0DKU6POL7"),
    p("KF-CER-09", "Page Boy Ceremony Suit 4-Piece - 6", "花童礼服四件套 130cm", 42900, "B0DKF6CER9"),
    p("KD-FLW-10", "Flower Girl Tulle Dress - Ivory / 6", "花童纱裙 象牙白 130cm", 18900, "B0DKD6FLWA"),
    p("PRE-KJ-WIN26", "PRESALE Winter Parka 2026 - Olive / 5T", "【预售】2026冬季派克大衣 橄榄绿 120cm", 12900, "B0DPR5WIN6"),
    p("PRE-KS-SNOW", "PRESALE Snow Suit - Blue / 4T", "【预售】连体滑雪服 蓝色 110cm", 14900, "B0DPR4SNOW"),
    p("GIFT-WRAP", "Gift Wrap & Card - Kraft", "礼品包装+贺卡", 500, "B0DGIFTWRP"),
    p("GIFT-BOX", "Newborn Gift Box - Cream", "新生儿礼盒", 1200, "B0DGIFTBOX"),
];

/// One logical order; amounts in cents. What the buyer pays is
/// goods − discount + shipping + tax.
struct Order {
    status: Status,
    lines: &'static [(&'static str, i64)],
    shipping: i64,
    discount: i64,
    code: &'static str,
    tax: i64,
    /// Placed, UTC, November 2026: (day, hour, minute, second).
    placed: (i64, i64, i64, i64),
    /// The buyer's note in English, Chinese and German.
    note: [&'static str; 3],
    tags: &'static str,
}

const fn o(
    status: Status,
    lines: &'static [(&'static str, i64)],
    (shipping, discount, code, tax): (i64, i64, &'static str, i64),
    placed: (i64, i64, i64, i64),
    note: [&'static str; 3],
    tags: &'static str,
) -> Order {
    Order {
        status,
        lines,
        shipping,
        discount,
        code,
        tax,
        placed,
        note,
        tags,
    }
}

const NO_NOTE: [&str; 3] = ["", "", ""];

#[rustfmt::skip]
const ORDERS: [Order; 12] = [
    o(AwaitingShipment, &[("KT-ORG-01", 2), ("KP-JGR-03", 1)], (599, 0, "", 372),
      (10, 14, 8, 25), NO_NOTE, ""),
    o(AwaitingPayment, &[("KD-DRS-02", 1)], (599, 0, "", 0),
      (10, 15, 42, 3), NO_NOTE, ""),
    o(AwaitingShipment, &[("PRE-KJ-WIN26", 1), ("KT-ORG-01", 1)], (0, 0, "", 1221),
      (10, 17, 5, 51),
      ["Fine to wait for the parka, please ship everything together",
       "预售的大衣到了一起发就行", "Gerne auf den Parka warten und alles zusammen schicken"],
      "preorder"),
    o(Cancelled, &[("KJ-PUF-04", 2)], (0, 0, "", 1068),
      (10, 19, 30, 12), NO_NOTE, ""),
    o(AwaitingShipment, &[("KB-ONE-06", 1), ("GIFT-BOX", 1), ("GIFT-WRAP", 1)], (599, 0, "", 0),
      (10, 22, 14, 40),
      ["Baby shower gift - please leave the receipt out", "送人的礼物，请不要放发票和价格单",
       "Geschenk zur Babyparty, bitte ohne Rechnung"],
      "gift"),
    o(Shipped, &[("KS-PJ-05", 2)], (599, 560, "WELCOME10", 302),
      (11, 0, 3, 9), NO_NOTE, ""),
    o(AwaitingShipment, &[("KU-POL-07", 30)], (0, 0, "", 0),
      (11, 1, 47, 33),
      ["Kindergarten order, deliver to the front office Mon-Fri 8-4",
       "幼儿园订单，工作日8点到16点送到门卫室", "Kita-Bestellung, bitte Mo-Fr 8-16 Uhr im Büro abgeben"],
      "school, wholesale"),
    o(AwaitingShipment, &[("KJ-PUF-04", 8), ("KD-DRS-02", 6), ("KP-JGR-03", 4), ("GIFT-WRAP", 1)],
      (0, 0, "", 6030), (11, 3, 20, 18), NO_NOTE, "family"),
    o(AwaitingShipment, &[("KF-CER-09", 6), ("KD-FLW-10", 14), ("GIFT-BOX", 2)], (0, 0, "", 46541),
      (11, 5, 2, 47),
      ["Wedding on Nov 28, we need everything by the 25th. Thank you!",
       "11月28日婚礼用，务必25号前送到，谢谢！", "Hochzeit am 28.11., bitte bis zum 25. liefern. Danke!"],
      "wedding, VIP"),
    o(AwaitingShipment, &[("PRE-KS-SNOW", 8), ("PRE-KJ-WIN26", 2)], (0, 7250, "PREORDER5", 0),
      (11, 6, 41, 5), NO_NOTE, "preorder"),
    o(AwaitingShipment, &[("KT-ORG-01", 3), ("GIFT-WRAP", 1)], (599, 0, "", 0),
      (11, 8, 15, 56),
      ["Birthday present, card please: \"Happy 4th birthday, Leo!\"",
       "生日礼物，贺卡写：乐乐4岁生日快乐！", "Geburtstagsgeschenk, Karte bitte: \"Alles Gute zum 4., Leo!\""],
      "gift"),
    o(AwaitingShipment, &[("KS-PJ-05", 1), ("KB-ONE-06", 2)], (0, 0, "", 480),
      (11, 9, 58, 21), NO_NOTE, ""),
];

/// US buyers (Shopify, Amazon, TikTok, WooCommerce): first, last, address 1, address 2,
/// city, state, state name, zip, phone. Phones are in the 555-01xx range kept for fiction.
#[rustfmt::skip]
const US: [[&str; 9]; 12] = [
    ["Emma", "Carter", "1428 Maple Ave", "", "Columbus", "OH", "Ohio", "43215", "614-555-0101"],
    ["Liam", "Brooks", "77 Harbor St", "Apt 3B", "Boston", "MA", "Massachusetts", "02110", "617-555-0102"],
    ["Olivia", "Nguyen", "2310 Sunset Blvd", "", "Los Angeles", "CA", "California", "90026", "213-555-0103"],
    ["Noah", "Patel", "815 Pine St", "Unit 12", "Seattle", "WA", "Washington", "98101", "206-555-0104"],
    ["Ava", "Thompson", "56 Orchard Ln", "", "Hoboken", "NJ", "New Jersey", "07030", "201-555-0105"],
    ["Mason", "Rivera", "3902 Elm Dr", "", "Austin", "TX", "Texas", "78704", "512-555-0106"],
    ["Grace", "Kim", "Little Acorns Preschool", "120 School St", "Portland", "OR", "Oregon", "97205", "503-555-0107"],
    ["Sophia", "Martinez", "640 Lakeview Ter", "", "Chicago", "IL", "Illinois", "60614", "312-555-0108"],
    ["Isabella", "Rossi", "18 Bleecker St", "Apt 5F", "New York", "NY", "New York", "10012", "212-555-0109"],
    ["James", "O'Connor", "2201 Peachtree Rd NE", "", "Atlanta", "GA", "Georgia", "30309", "404-555-0110"],
    ["Mia", "Johnson", "9 Cedar Ct", "", "Denver", "CO", "Colorado", "80203", "303-555-0111"],
    ["Lucas", "Wright", "4410 Magnolia St", "", "Miami", "FL", "Florida", "33137", "305-555-0112"],
];

/// Chinese buyers (Taobao, JD): name, province as Taobao writes it, its short form, city,
/// district, street, postcode.
#[rustfmt::skip]
const CN: [[&str; 7]; 12] = [
    ["陈一鸣", "浙江省", "浙江", "杭州市", "西湖区", "文一西路 188号", "310012"],
    ["林晓雨", "上海", "上海", "上海市", "浦东新区", "张杨路 500弄 3号 1202室", "200120"],
    ["赵子轩", "新疆维吾尔自治区", "新疆", "乌鲁木齐市", "天山区", "解放南路 66号", "830002"],
    ["周可欣", "广西壮族自治区", "广西", "南宁市", "青秀区", "民族大道 131号", "530022"],
    ["吴浩然", "内蒙古自治区", "内蒙古", "呼和浩特市", "赛罕区", "大学西街 8号", "010020"],
    ["孙悦", "广东省", "广东", "深圳市", "南山区", "科技南十二路 2号", "518057"],
    ["郑雅婷", "江苏省", "江苏", "苏州市", "苏州工业园区", "星湖街 328号 小橡果幼儿园", "215123"],
    ["何俊杰", "北京", "北京", "北京市", "朝阳区", "建国路 77号 3单元 901", "100025"],
    ["马思远", "四川省", "四川", "成都市", "锦江区", "红星路三段 1号", "610021"],
    ["胡佳怡", "湖北省", "湖北", "武汉市", "武昌区", "中南路 99号", "430071"],
    ["高宇航", "福建省", "福建", "厦门市", "思明区", "鹭江道 8号", "361001"],
    ["罗梦琪", "山东省", "山东", "青岛市", "市南区", "香港中路 10号", "266071"],
];

/// German buyers (WooCommerce EU): first, last, street, postcode, city.
#[rustfmt::skip]
const DE: [[&str; 5]; 12] = [
    ["Anna", "Schneider", "Lindenstraße 12", "10115", "Berlin"],
    ["Lukas", "Becker", "Gartenweg 5", "80331", "München"],
    ["Mia", "Fischer", "Schillerstraße 28", "60313", "Frankfurt am Main"],
    ["Jonas", "Wagner", "Am Markt 3", "28195", "Bremen"],
    ["Lea", "Hoffmann", "Rosenstraße 17", "50667", "Köln"],
    ["Felix", "Schulz", "Bahnhofstraße 44", "70173", "Stuttgart"],
    ["Sabine", "Krüger", "Kita Sonnenschein, Schulstraße 1", "04109", "Leipzig"],
    ["Emilia", "Braun", "Hauptstraße 90", "69117", "Heidelberg"],
    ["Paul", "Zimmermann", "Königsallee 21", "40212", "Düsseldorf"],
    ["Hannah", "Wolf", "Bergstraße 7", "01069", "Dresden"],
    ["Leon", "Richter", "Mühlenweg 15", "20095", "Hamburg"],
    ["Sophie", "Klein", "Kirchplatz 2", "90403", "Nürnberg"],
];

// ------------------------------------------------------------------ order arithmetic

/// One line of an order with its share of the discount and the tax.
struct Line {
    at: usize,
    p: &'static Product,
    qty: i64,
    gross: i64,
    discount: i64,
    tax: i64,
}

impl Order {
    fn goods(&self) -> i64 {
        self.lines
            .iter()
            .map(|&(sku, q)| product(sku).1.price * q)
            .sum()
    }

    fn total(&self) -> i64 {
        self.goods() - self.discount + self.shipping + self.tax
    }

    fn units(&self) -> i64 {
        self.lines.iter().map(|l| l.1).sum()
    }

    /// The lines, with the discount and the tax spread over them by value (the remainder
    /// on the last line), as Amazon, TikTok and Shopify write them per line.
    fn lines(&self) -> Vec<Line> {
        let goods = self.goods();
        let (mut discount_left, mut tax_left) = (self.discount, self.tax);
        let n = self.lines.len();
        let mut out = Vec::new();
        for (i, &(sku, qty)) in self.lines.iter().enumerate() {
            let (at, p) = product(sku);
            let gross = p.price * qty;
            let (discount, tax) = if i + 1 == n {
                (discount_left, tax_left)
            } else {
                (self.discount * gross / goods, self.tax * gross / goods)
            };
            discount_left -= discount;
            tax_left -= tax;
            out.push(Line {
                at,
                p,
                qty,
                gross,
                discount,
                tax,
            });
        }
        out
    }

    fn paid(&self) -> bool {
        matches!(self.status, AwaitingShipment | Shipped)
    }

    fn has_presale(&self) -> bool {
        self.lines.iter().any(|l| l.0.starts_with("PRE-"))
    }

    /// Seconds since 2026-11-01 00:00 UTC.
    fn placed_at(&self) -> i64 {
        let (d, h, m, s) = self.placed;
        (((d - 1) * 24 + h) * 60 + m) * 60 + s
    }
}

fn product(sku: &str) -> (usize, &'static Product) {
    let at = CATALOGUE
        .iter()
        .position(|p| p.sku == sku)
        .expect("sku in catalogue");
    (at, &CATALOGUE[at])
}

// ------------------------------------------------------------------ formatting

/// `1234.50`
fn money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

fn thousands(units: i64, sep: char) -> String {
    let digits = units.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// `$1,234.50`
fn dollars(cents: i64) -> String {
    format!("${}.{:02}", thousands(cents / 100, ','), cents % 100)
}

/// `1.234,50 €`
fn euros(cents: i64) -> String {
    format!("{},{:02} €", thousands(cents / 100, '.'), cents % 100)
}

/// A time (seconds since 2026-11-01 00:00 UTC) in `zone`, by jiff's rules for the zone,
/// written with `format`: each platform writes the same instant in its own zone and layout.
fn local(t: i64, zone: &str, format: &str) -> String {
    let start = jiff::civil::date(2026, 11, 1)
        .at(0, 0, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .expect("a UTC time");
    let at = start
        .checked_add(jiff::SignedDuration::from_secs(t))
        .expect("a time in range")
        .in_tz(zone)
        .expect("a zone in the bundled database");
    assert!(
        at.year() == 2026 && at.month() == 11,
        "sample times stay in November 2026"
    );
    at.strftime(format).to_string()
}

/// `2026-11-10 09:08:25`
fn ymd_hms(t: i64, zone: &str) -> String {
    local(t, zone, "%Y-%m-%d %H:%M:%S")
}

/// `11/21/2026 10:05:00 PM`
fn us_time(t: i64, zone: &str) -> String {
    local(t, zone, "%m/%d/%Y %I:%M:%S %p")
}

/// A table written row by row, cells by header name (a name not in the header is a bug).
struct Sheet {
    header: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Sheet {
    fn new(header: &'static str) -> Self {
        Sheet {
            header: header.split(',').collect(),
            rows: Vec::new(),
        }
    }

    /// Starts a row with these cells; the other cells are blank.
    fn row(&mut self, cells: &[(&str, String)]) {
        self.rows.push(vec![String::new(); self.header.len()]);
        self.fill(cells);
    }

    /// Sets more cells of the last row.
    fn fill(&mut self, cells: &[(impl AsRef<str>, String)]) {
        let row = self.rows.last_mut().expect("a row");
        for (name, value) in cells {
            let name = name.as_ref();
            let at = self.header.iter().position(|h| h.trim() == name);
            row[at.unwrap_or_else(|| panic!("no column `{name}`"))].clone_from(value);
        }
    }

    /// The header and the rows, each value passed through `cell` (TikTok's trailing tab),
    /// quoted where it must be.
    fn text(&self, delimiter: char, eol: &str, cell: fn(&str) -> String) -> String {
        let line = |values: Vec<String>| -> String {
            let quoted: Vec<String> = values
                .into_iter()
                .map(|v| {
                    // Taobao's `="123"` is written as it is, as spreadsheets expect it.
                    let formula = v.starts_with("=\"") && !v.contains(delimiter);
                    if !formula && v.contains([delimiter, '"', '\n', '\r']) {
                        assert!(delimiter != '\t', "the Amazon report has no quoting");
                        format!("\"{}\"", v.replace('"', "\"\""))
                    } else {
                        v
                    }
                })
                .collect();
            quoted.join(&delimiter.to_string()) + eol
        };
        let mut out = line(self.header.iter().map(|h| (*h).to_string()).collect());
        for row in &self.rows {
            out += &line(row.iter().map(|v| cell(v)).collect());
        }
        out
    }
}

fn as_is(v: &str) -> String {
    v.to_string()
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

/// `v` when `yes`, else blank.
fn opt(yes: bool, v: impl ToString) -> String {
    if yes { v.to_string() } else { String::new() }
}

// ------------------------------------------------------------------ Shopify

const SHOPIFY: &str = "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Phone,Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,Next Payment Due At,Payment References";

fn shopify() -> String {
    // The shop is in New York: its local time with its offset, `2026-11-10 09:08:25 -0500`.
    let time = |t: i64| local(t, "America/New_York", "%Y-%m-%d %H:%M:%S %z");
    let mut sheet = Sheet::new(SHOPIFY);
    for (i, o) in ORDERS.iter().enumerate() {
        let [first, last, a1, a2, city, state, state_name, zip, phone] = US[i];
        let t = o.placed_at();
        let fulfilled = o.status == Shipped;
        let financial = match o.status {
            AwaitingPayment => "pending",
            Cancelled => "voided",
            _ => "paid",
        };
        let fulfillment = if fulfilled {
            "fulfilled"
        } else {
            "unfulfilled"
        };
        let street = if a2.is_empty() {
            s(a1)
        } else {
            format!("{a1}, {a2}")
        };
        let unpaid = if o.status == AwaitingPayment {
            o.total()
        } else {
            0
        };
        let reference = format!("c{}.1", 31_877_204_001 + 7919 * i);
        for (n, l) in o.lines().iter().enumerate() {
            // Later rows of an order carry only its name, e-mail and the line item.
            sheet.row(&[
                ("Name", format!("#{}", 1001 + i)),
                ("Email", email(first, last)),
                ("Lineitem quantity", s(l.qty)),
                ("Lineitem name", s(l.p.title)),
                ("Lineitem price", money(l.p.price)),
                ("Lineitem sku", s(l.p.sku)),
                ("Lineitem requires shipping", s(true)),
                ("Lineitem taxable", s(!l.p.sku.starts_with("GIFT-"))),
                (
                    "Lineitem fulfillment status",
                    s(if fulfilled { "fulfilled" } else { "pending" }),
                ),
                ("Lineitem discount", money(l.discount)),
                ("Vendor", s("Pebble & Pip")),
            ]);
            if n > 0 {
                continue;
            }
            sheet.fill(&[
                ("Financial Status", s(financial)),
                ("Paid at", opt(o.paid(), time(t + 14))),
                ("Fulfillment Status", s(fulfillment)),
                ("Fulfilled at", opt(fulfilled, time(t + 20 * 3600))),
                (
                    "Accepts Marketing",
                    s(if i % 3 == 0 { "yes" } else { "no" }),
                ),
                ("Currency", s("USD")),
                ("Subtotal", money(o.goods() - o.discount)),
                ("Shipping", money(o.shipping)),
                ("Taxes", money(o.tax)),
                ("Total", money(o.total())),
                ("Discount Code", s(o.code)),
                ("Discount Amount", money(o.discount)),
                (
                    "Shipping Method",
                    s(if o.shipping == 0 {
                        "Free Shipping"
                    } else {
                        "Standard"
                    }),
                ),
                ("Created at", time(t)),
                ("Notes", s(o.note[0])),
                ("Cancelled at", opt(o.status == Cancelled, time(t + 7200))),
                ("Payment Method", s("Shopify Payments")),
                ("Payment Reference", reference.clone()),
                ("Refunded Amount", money(0)),
                ("Outstanding Balance", money(unpaid)),
                ("Id", s(6_184_032_100_000 + 3917 * i)),
                ("Tags", s(o.tags)),
                ("Risk Level", s("Low")),
                // The bulk order was keyed in by the team as a draft order.
                (
                    "Source",
                    s(if i == 6 { "shopify_draft_order" } else { "web" }),
                ),
                ("Tax 1 Name", opt(o.tax > 0, format!("{state} State Tax"))),
                ("Tax 1 Value", opt(o.tax > 0, money(o.tax))),
                ("Payment References", reference.clone()),
            ]);
            for side in ["Billing", "Shipping"] {
                sheet.fill(&[
                    (format!("{side} Name"), format!("{first} {last}")),
                    (format!("{side} Street"), street.clone()),
                    (format!("{side} Address1"), s(a1)),
                    (format!("{side} Address2"), s(a2)),
                    (format!("{side} City"), s(city)),
                    (format!("{side} Zip"), format!("'{zip}")), // so that spreadsheets keep the 0
                    (format!("{side} Province"), s(state)),
                    (format!("{side} Country"), s("US")),
                    (
                        format!("{side} Phone"),
                        format!("+1{}", phone.replace('-', "")),
                    ),
                    (format!("{side} Province Name"), s(state_name)),
                ]);
            }
        }
    }
    sheet.text(',', "\n", as_is)
}

fn email(first: &str, last: &str) -> String {
    format!(
        "{}.{}@example.com",
        first.to_lowercase(),
        last.to_lowercase().replace('\'', "")
    )
}

// ------------------------------------------------------------------ Amazon

const AMAZON: &str = "amazon-order-id,merchant-order-id,purchase-date,last-updated-date,order-status,fulfillment-channel,sales-channel,order-channel,url,ship-service-level,product-name,sku,asin,item-status,quantity,currency,item-price,item-tax,shipping-price,shipping-tax,gift-wrap-price,gift-wrap-tax,item-promotion-discount,ship-promotion-discount,ship-city,ship-state,ship-postal-code,ship-country,promotion-ids,is-business-order,purchase-order-number,price-designation";

fn amazon() -> String {
    let time = |t: i64| local(t, "UTC", "%Y-%m-%dT%H:%M:%S%:z"); // `2017-06-17T08:04:21+00:00`
    let mut sheet = Sheet::new(AMAZON);
    for (i, o) in ORDERS.iter().enumerate() {
        let [_, _, _, _, city, state, state_name, zip, _] = US[i];
        let k = i + 1;
        let (a, b) = (
            (k * 7_654_321 + 2_046_113) % 10_000_000,
            (k * 3_141_592 + 2_718_281) % 10_000_000,
        );
        let id = format!("11{}-{a:07}-{b:07}", 1 + i % 4);
        let (order_status, item_status) = match o.status {
            AwaitingPayment => ("Pending", "Unshipped"),
            AwaitingShipment => ("Unshipped", "Unshipped"),
            Shipped => ("Shipped", "Shipped"),
            Cancelled => ("Cancelled", "Cancelled"),
        };
        let business = o.tags.contains("wholesale");
        // As buyers type them: mostly the code, sometimes the name; some ZIP+4.
        let state = if i % 4 == 2 { state_name } else { state };
        let zip = if i % 3 == 1 {
            format!("{zip}-{:04}", 1000 + 317 * k)
        } else {
            s(zip)
        };
        for (n, l) in o.lines().iter().enumerate() {
            sheet.row(&[
                ("amazon-order-id", id.clone()),
                ("purchase-date", time(o.placed_at())),
                (
                    "last-updated-date",
                    time(o.placed_at() + 3600 + 97 * k as i64),
                ),
                ("order-status", s(order_status)),
                ("fulfillment-channel", s("Merchant")),
                ("sales-channel", s("Amazon.com")),
                (
                    "ship-service-level",
                    s(if o.shipping == 0 {
                        "Standard"
                    } else {
                        "Expedited"
                    }),
                ),
                ("product-name", s(l.p.title)),
                ("sku", s(l.p.sku)),
                ("asin", s(l.p.asin)),
                ("item-status", s(item_status)),
                ("quantity", s(l.qty)),
                ("currency", s("USD")),
                ("item-price", money(l.gross)),
                ("item-tax", money(l.tax)),
                ("shipping-price", money(if n == 0 { o.shipping } else { 0 })),
                ("shipping-tax", money(0)),
                ("gift-wrap-price", money(0)),
                ("gift-wrap-tax", money(0)),
                // Discounts are negative.
                (
                    "item-promotion-discount",
                    opt(l.discount != 0, money(-l.discount)),
                ),
                ("ship-city", s(city)),
                ("ship-state", s(state)),
                ("ship-postal-code", zip.clone()),
                ("ship-country", s("US")),
                (
                    "promotion-ids",
                    opt(o.discount != 0, format!("{} Promotion", o.code)),
                ),
                ("is-business-order", s(business)),
                ("purchase-order-number", opt(business, "PO-4471")),
                ("price-designation", opt(business, "BusinessPrice")),
            ]);
        }
    }
    sheet.text('\t', "\n", as_is)
}

// ------------------------------------------------------------------ Taobao

const TAOBAO: &str = "订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址 ,运送方式,联系电话 ,联系手机,订单创建时间,订单付款时间 ,宝贝标题 ,宝贝种类 ,物流单号 ,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,商家编码,退款金额";

fn taobao() -> String {
    let time = |t: i64| ymd_hms(t, "Asia/Shanghai"); // China time, no offset written
    let mut sheet = Sheet::new(TAOBAO);
    for (i, o) in ORDERS.iter().enumerate() {
        let [name, province, _, city, district, street, postcode] = CN[i];
        let status = match o.status {
            AwaitingPayment => "等待买家付款",
            AwaitingShipment => "买家已付款，等待卖家发货",
            Shipped => "卖家已发货，等待买家确认",
            Cancelled => "交易关闭",
        };
        let lines = o.lines();
        let titles: Vec<&str> = lines.iter().map(|l| l.p.title_zh).collect();
        let skus: Vec<&str> = lines.iter().map(|l| l.p.sku).collect();
        let shipped = o.status == Shipped;
        let closed = if o.status == Cancelled {
            "买家不想买了"
        } else {
            "订单未关闭"
        };
        sheet.row(&[
            (
                "订单编号",
                format!(
                    "=\"{}\"",
                    3_512_907_741_220_000_000 + 1_000_003_777 * i as u64
                ),
            ),
            ("买家会员名", format!("tb{:08}", 48_213_307 + 7_331 * i)),
            ("买家支付宝账号", format!("138****{:04}", i + 1)),
            ("买家应付货款", money(o.goods() - o.discount + o.tax)),
            ("买家应付邮费", money(o.shipping)),
            ("买家支付积分", s(0)),
            ("总金额", money(o.total())),
            ("返点积分", s(0)),
            (
                "买家实际支付金额",
                money(if o.paid() { o.total() } else { 0 }),
            ),
            ("买家实际支付积分", s(0)),
            ("订单状态", s(status)),
            ("买家留言", s(o.note[1])),
            ("收货人姓名", s(name)),
            (
                "收货地址",
                format!("{province} {city} {district} {street}({postcode})"),
            ),
            ("运送方式", s("快递")),
            ("联系手机", format!("138{:08}", i + 1)),
            ("订单创建时间", time(o.placed_at())),
            ("订单付款时间", opt(o.paid(), time(o.placed_at() + 14))),
            ("宝贝标题", titles.join("，")),
            ("宝贝种类", s(lines.len())),
            (
                "物流单号",
                opt(shipped, format!("No:{}", 73_100_000_000_000 + i)),
            ),
            ("物流公司", opt(shipped, "中通快递")),
            ("宝贝总数量", s(o.units())),
            ("店铺名称", s("小石子童装旗舰店")),
            ("订单关闭原因", s(closed)),
            ("卖家服务费", s(0)),
            ("买家服务费", s("0元")),
            ("是否手机订单", opt(i % 2 == 0, "手机订单")),
            ("商家编码", skus.join(";")),
            ("退款金额", s(0)),
        ]);
    }
    sheet.text(',', "\r\n", as_is)
}

// ------------------------------------------------------------------ JD

const JD: &str = "订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,应付金额,订单状态,订单类型,下单帐号,客户姓名,客户地址,联系电话,订单备注,发票类型,发票抬头,发票内容,商家备注,商家备注等级（等级1-5为由高到低）,运费金额,付款确认时间,增值税发票,货号,订单完成时间,订单来源,订单渠道";

fn jd() -> String {
    let time = |t: i64| ymd_hms(t, "Asia/Shanghai");
    let mut sheet = Sheet::new(JD);
    for (i, o) in ORDERS.iter().enumerate() {
        let [name, _, short, city, district, street, _] = CN[i];
        // JD runs the parts together, with the province's short form, and leaves a
        // municipality's city out: 广东深圳市南山区…, 上海浦东新区….
        let city = if city.starts_with(short) { "" } else { city };
        let address = format!("{short}{city}{district}{}", street.replace(' ', ""));
        let status = match o.status {
            AwaitingPayment => "等待付款",
            AwaitingShipment => "等待出库",
            Shipped => "等待确认收货",
            Cancelled => "已取消",
        };
        for (n, l) in o.lines().iter().enumerate() {
            sheet.row(&[
                ("订单号", s(285_014_000_000 + 7_331_097 * i)),
                ("商品ID", s(100_087_654_000 + 1_013 * l.at)), // JD's id; 货号 is the shop's
                ("商品名称", s(l.p.title_zh)),
                ("订购数量", s(l.qty)),
                ("京东价", money(l.p.price)),
                ("货号", s(l.p.sku)),
            ]);
            if n > 0 {
                continue; // the order-level columns are on the first row only
            }
            sheet.fill(&[
                ("支付方式", s("在线支付")),
                ("下单时间", time(o.placed_at())),
                ("订单金额", money(o.goods() + o.tax + o.shipping)),
                ("结算金额", money(o.total())),
                ("余额支付", money(0)),
                ("应付金额", money(o.total())),
                ("订单状态", s(status)),
                ("订单类型", s("SOP")),
                ("下单帐号", format!("jd_{:x}", 0x5a3c_91d0 + 4099 * i)),
                ("客户姓名", s(name)),
                ("客户地址", address.clone()),
                ("联系电话", format!("138****{:04}", i + 1)),
                ("订单备注", s(o.note[1])),
                ("发票类型", s("电子发票")),
                ("发票抬头", s("个人")),
                ("发票内容", s("明细")),
                ("运费金额", money(o.shipping)),
                ("付款确认时间", opt(o.paid(), time(o.placed_at() + 14))),
                ("订单来源", s("移动端订单")),
                ("订单渠道", s("京东商城")),
            ]);
        }
    }
    sheet.text(',', "\n", as_is)
}

// ------------------------------------------------------------------ TikTok Shop

const TIKTOK: &str = "Order ID,Order Status,Order Substatus,Cancelation/Return Type,Normal or Pre-order,SKU ID,Seller SKU,Product Name,Variation,Quantity,Sku Quantity of return,SKU Unit Original Price,SKU Subtotal Before Discount,SKU Platform Discount,SKU Seller Discount,SKU Subtotal After Discount,Shipping Fee After Discount,Original Shipping Fee,Shipping Fee Seller Discount,Shipping Fee Platform Discount,Taxes,Order Amount,Order Refund Amount,Created Time,Paid Time,RTS Time,Shipped Time,Delivered Time,Cancelled Time,Cancel By,Cancel Reason,Fulfillment Type,Warehouse Name,Tracking ID,Delivery Option,Shipping Provider Name,Buyer Message,Buyer Username,Recipient,Phone #,Zipcode,Country,State,County,City,Detail Address,Additional address information,Payment Method,Weight(kg),Product Category,Package ID,Seller Note,Checked Status,Checked Marked by";

fn tiktok() -> String {
    let time = |t: i64| us_time(t, "America/Los_Angeles"); // the shop's time, no offset
    let mut sheet = Sheet::new(TIKTOK);
    for (i, o) in ORDERS.iter().enumerate() {
        let [first, last, a1, a2, city, _, state_name, zip, phone] = US[i];
        let t = o.placed_at();
        let (status, substatus) = match o.status {
            AwaitingPayment => ("Unpaid", "Unpaid"),
            AwaitingShipment => ("To ship", "Awaiting shipment"),
            Shipped => ("Shipped", "In transit"),
            Cancelled => ("Cancelled", "Cancelled"),
        };
        let (shipped, cancelled) = (o.status == Shipped, o.status == Cancelled);
        let user = format!(
            "{}{}_{}",
            first.to_lowercase(),
            &last[..1].to_lowercase(),
            17 + 3 * i
        );
        for l in o.lines() {
            let (title, variation) = l.p.title.split_once(" - ").expect("title - variation");
            sheet.row(&[
                (
                    "Order ID",
                    s(576_461_234_567_891_234 + 1_000_000_007 * i as u64),
                ),
                ("Order Status", s(status)),
                ("Order Substatus", s(substatus)),
                ("Cancelation/Return Type", opt(cancelled, "Cancel")),
                (
                    "Normal or Pre-order",
                    s(if o.has_presale() {
                        "Pre-order"
                    } else {
                        "Normal"
                    }),
                ),
                ("SKU ID", s(1_729_384_756_102_938_000 + 4_049 * l.at as u64)),
                ("Seller SKU", s(l.p.sku)),
                ("Product Name", s(title)),
                ("Variation", s(variation)),
                ("Quantity", s(l.qty)),
                ("Sku Quantity of return", s(0)),
                ("SKU Unit Original Price", dollars(l.p.price)),
                ("SKU Subtotal Before Discount", dollars(l.gross)),
                ("SKU Platform Discount", dollars(0)),
                ("SKU Seller Discount", dollars(l.discount)),
                ("SKU Subtotal After Discount", dollars(l.gross - l.discount)),
                ("Shipping Fee After Discount", dollars(o.shipping)),
                ("Original Shipping Fee", dollars(o.shipping)),
                ("Shipping Fee Seller Discount", dollars(0)),
                ("Shipping Fee Platform Discount", dollars(0)),
                ("Taxes", dollars(o.tax)),
                ("Order Amount", dollars(o.total())),
                ("Order Refund Amount", dollars(0)),
                ("Created Time", time(t)),
                ("Paid Time", opt(o.paid(), time(t + 14))),
                ("RTS Time", opt(shipped, time(t + 18 * 3600))),
                ("Shipped Time", opt(shipped, time(t + 20 * 3600))),
                ("Cancelled Time", opt(cancelled, time(t + 7200))),
                ("Cancel By", opt(cancelled, "Buyer")),
                ("Cancel Reason", opt(cancelled, "No longer needed")),
                ("Fulfillment Type", s("Fulfillment by seller")),
                ("Warehouse Name", s("Columbus Warehouse")),
                (
                    "Tracking ID",
                    opt(shipped, format!("94001112062138591{i:05}")),
                ),
                ("Delivery Option", s("Standard shipping")),
                ("Shipping Provider Name", opt(shipped, "USPS")),
                ("Buyer Message", s(o.note[0])),
                ("Buyer Username", user.clone()),
                ("Recipient", format!("{first} {last}")),
                (
                    "Phone #",
                    format!("(+1){}*****{}", &phone[..3], &phone[10..]),
                ),
                ("Zipcode", s(zip)),
                ("Country", s("United States")),
                ("State", s(state_name)),
                ("City", s(city)),
                ("Detail Address", s(a1)),
                ("Additional address information", s(a2)),
                (
                    "Payment Method",
                    s(["Credit/debit card", "PayPal", "Apple Pay"][i % 3]),
                ),
                (
                    "Weight(kg)",
                    format!("{}.{}", 3 * l.qty / 10, 3 * l.qty % 10),
                ),
                ("Product Category", s("Kids' Fashion")),
                (
                    "Package ID",
                    opt(shipped, 1_152_921_504_606_846_976 + i as u64),
                ),
                ("Checked Status", s("Unchecked")),
            ]);
        }
    }
    // A byte-order mark, and a tab after every value.
    "\u{feff}".to_string() + &sheet.text(',', "\n", |v| format!("{v}\t"))
}

// ------------------------------------------------------------------ WooCommerce

const WOO: &str = "order_id,order_number,order_date,paid_date,status,shipping_total,shipping_tax_total,fee_total,fee_tax_total,tax_total,cart_discount,order_discount,discount_total,order_total,order_subtotal,order_currency,payment_method,payment_method_title,transaction_id,shipping_method,customer_id,customer_email,billing_first_name,billing_last_name,billing_email,billing_phone,billing_address_1,billing_address_2,billing_postcode,billing_city,billing_state,billing_country,shipping_first_name,shipping_last_name,shipping_address_1,shipping_address_2,shipping_postcode,shipping_city,shipping_state,shipping_country,customer_note,coupon_items,line_item_1,line_item_2,line_item_3,line_item_4";

/// The US shop (plain decimals, `,`), or with `germany` the German one (`1.234,50 €`, `;`).
fn woocommerce(germany: bool) -> String {
    let price: fn(i64) -> String = if germany { euros } else { money };
    // The site's time, no offset written.
    let zone = if germany {
        "Europe/Berlin"
    } else {
        "America/New_York"
    };
    let time = |t: i64| ymd_hms(t, zone);
    let mut sheet = Sheet::new(WOO);
    for (i, o) in ORDERS.iter().enumerate() {
        let [first, last, a1, a2, city, state, _, zip, phone] = US[i];
        let [de_first, de_last, de_street, de_zip, de_city] = DE[i];
        let (first, last, a1, a2, zip, city, state, phone) = if germany {
            (
                de_first,
                de_last,
                de_street,
                "",
                de_zip,
                de_city,
                "",
                format!("+49 151 5550{:04}", 101 + i),
            )
        } else {
            (first, last, a1, a2, zip, city, state, s(phone))
        };
        let id = 4810 + 3 * i;
        let status = match o.status {
            AwaitingPayment => "wc-pending",
            AwaitingShipment => "wc-processing",
            Shipped => "wc-completed", // WooCommerce has no "shipped"
            Cancelled => "wc-cancelled",
        };
        let (method, method_title) = [
            ("stripe", "Credit Card (Stripe)"),
            ("ppcp-gateway", "PayPal"),
        ][i % 2];
        let transaction = format!("ch_3Q{:x}", 0x9f1e_77a0_2c41 + 7919 * i);
        let coupon = format!(
            "code:{}|amount:{}",
            o.code.to_lowercase(),
            money(o.discount)
        );
        sheet.row(&[
            ("order_id", s(id)),
            ("order_number", s(id)),
            ("order_date", time(o.placed_at())),
            ("paid_date", opt(o.paid(), time(o.placed_at() + 14))),
            ("status", s(status)),
            ("shipping_total", price(o.shipping)),
            ("shipping_tax_total", price(0)),
            ("fee_total", price(0)),
            ("fee_tax_total", price(0)),
            ("tax_total", price(o.tax)),
            ("cart_discount", price(o.discount)),
            ("order_discount", price(0)),
            ("discount_total", price(o.discount)),
            ("order_total", price(o.total())),
            ("order_subtotal", price(o.goods())),
            ("order_currency", s(if germany { "EUR" } else { "USD" })),
            ("payment_method", s(method)),
            ("payment_method_title", s(method_title)),
            ("transaction_id", opt(o.paid(), transaction)),
            (
                "shipping_method",
                s(if o.shipping == 0 {
                    "Free shipping"
                } else {
                    "Flat rate"
                }),
            ),
            ("customer_id", s(if i % 4 == 1 { 0 } else { 112 + 9 * i })), // 0: a guest
            ("customer_email", email(first, last)),
            ("billing_email", email(first, last)),
            ("billing_phone", phone),
            ("customer_note", s(o.note[if germany { 2 } else { 0 }])),
            ("coupon_items", opt(o.discount != 0, coupon)),
        ]);
        for side in ["billing", "shipping"] {
            sheet.fill(&[
                (format!("{side}_first_name"), s(first)),
                (format!("{side}_last_name"), s(last)),
                (format!("{side}_address_1"), s(a1)),
                (format!("{side}_address_2"), s(a2)),
                (format!("{side}_postcode"), s(zip)),
                (format!("{side}_city"), s(city)),
                (format!("{side}_state"), s(state)),
                (
                    format!("{side}_country"),
                    s(if germany { "DE" } else { "US" }),
                ),
            ]);
        }
        for (n, l) in o.lines().iter().enumerate() {
            let item = format!(
                "name:{}|product_id:{}|sku:{}|quantity:{}|total:{}|sub_total:{}",
                l.p.title,
                231 + 7 * l.at,
                l.p.sku,
                l.qty,
                money(l.gross - l.discount),
                money(l.gross)
            );
            sheet.fill(&[(format!("line_item_{}", n + 1), item)]);
        }
    }
    sheet.text(if germany { ';' } else { ',' }, "\n", as_is)
}

// ------------------------------------------------------------------ main

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/platforms");
    fs::create_dir_all(&dir).expect("create examples/platforms");
    let taobao = taobao();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&taobao);
    assert!(!unmappable, "the Taobao sample must be plain GBK");
    let files: [(&str, Vec<u8>); 7] = [
        ("shopify_orders_export.csv", shopify().into_bytes()),
        ("amazon_all_orders.txt", amazon().into_bytes()),
        ("taobao_orders.csv", gbk.into_owned()),
        ("jd_orders.csv", jd().into_bytes()),
        ("tiktok_orders.csv", tiktok().into_bytes()),
        ("woocommerce_orders.csv", woocommerce(false).into_bytes()),
        ("woocommerce_eu_orders.csv", woocommerce(true).into_bytes()),
    ];
    for (name, bytes) in files {
        fs::write(dir.join(name), &bytes).unwrap_or_else(|e| panic!("write {name}: {e}"));
        println!("wrote examples/platforms/{name} ({} bytes)", bytes.len());
    }
}
