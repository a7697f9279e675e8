## Support-request form: why a typed field was not accepted, and an example that would be.

form-name-empty = اكتب اسمك الكامل لو سمحت: الاسم الأول واسم العائلة. مثال: محمد عبدالله الغامدي
form-name-too-long = الاسم طويل جداً؛ الحد { $max ->
        [zero] { NUMBER($max, useGrouping: 0) } حرف
        [one] حرف واحد
        [two] حرفان
        [few] { NUMBER($max, useGrouping: 0) } أحرف
        [many] { NUMBER($max, useGrouping: 0) } حرفاً
       *[other] { NUMBER($max, useGrouping: 0) } حرف
    }. اكتب اسمك كما في الهوية، مثال: محمد عبدالله الغامدي
form-name-digits = الاسم لا يحتوي على أرقام 🙂 اكتب اسمك بالحروف العربية، مثال: محمد عبدالله الغامدي
form-name-latin = اكتب اسمك بالحروف العربية لو سمحت، كما هو في الهوية. مثال: محمد عبدالله الغامدي
form-name-symbols = اكتب اسمك بالحروف العربية والمسافات فقط، بدون رموز أو علامات. مثال: محمد عبدالله الغامدي
form-name-one-part = نحتاج اسمك من جزأين على الأقل: الاسم الأول واسم العائلة. مثال: محمد الغامدي
form-name-short-part = «{ $part }» قصير؛ كل جزء من الاسم حرفان على الأقل. اكتب الاسم كاملاً بدون اختصار، مثال: محمد عبدالله الغامدي

form-national-id-empty = اكتب رقم الهوية الوطنية أو الإقامة (10 أرقام) لو سمحت. مثال: 1012345672
form-national-id-not-digits = رقم الهوية أو الإقامة أرقام فقط، بدون حروف أو رموز. مثال: 1012345672
form-national-id-length = رقم الهوية أو الإقامة يتكون من 10 أرقام، وأنت كتبت { $count ->
        [zero] { NUMBER($count, useGrouping: 0) } رقم
        [one] رقماً واحداً
        [two] رقمين
        [few] { NUMBER($count, useGrouping: 0) } أرقام
        [many] { NUMBER($count, useGrouping: 0) } رقماً
       *[other] { NUMBER($count, useGrouping: 0) } رقم
    }. راجعه لو سمحت، مثال: 1012345672
form-national-id-prefix = رقم الهوية الوطنية يبدأ بـ 1، ورقم الإقامة يبدأ بـ 2. راجع الرقم لو سمحت، مثال: 1012345672
form-national-id-checksum = يبدو أن أحد أرقام الهوية أو الإقامة غير صحيح. راجع الرقم من البطاقة واكتبه مرة أخرى لو سمحت.

form-mobile-empty = اكتب رقم جوالك لو سمحت. مثال: 0501234567
form-mobile-invalid = هذا ليس رقم جوال صحيحاً. رقم الجوال السعودي 10 أرقام يبدأ بـ 05، مثال: 0501234567
form-mobile-landline = هذا رقم هاتف ثابت، ونحتاج رقم جوال لنتواصل معك. اكتب رقم جوالك الذي يبدأ بـ 05، مثال: 0501234567
form-mobile-not-mobile = هذا ليس رقم جوال (يبدو رقماً موحداً أو مجانياً). اكتب رقم جوالك الذي يبدأ بـ 05، مثال: 0501234567
form-mobile-foreign = نقبل أرقام الجوال السعودية فقط. اكتب رقم جوال سعودي يبدأ بـ 05، مثال: 0501234567

form-description-empty = اكتب وصفاً مختصراً لطلبك لو سمحت: ما الذي تحتاجه ولماذا. مثال: أحتاج مساعدة في سداد إيجار السكن لهذا الشهر
form-description-no-words = اشرح طلبك بالكلمات لو سمحت حتى تتضح لنا حاجتك. مثال: أحتاج مساعدة في سداد إيجار السكن لهذا الشهر
form-description-too-short = الوصف قصير جداً؛ اكتب { $min ->
        [zero] { NUMBER($min, useGrouping: 0) } حرف
        [one] حرف واحد
        [two] حرفان
        [few] { NUMBER($min, useGrouping: 0) } أحرف
        [many] { NUMBER($min, useGrouping: 0) } حرفاً
       *[other] { NUMBER($min, useGrouping: 0) } حرف
    } على الأقل توضح ما تحتاجه. مثال: أحتاج مساعدة في سداد إيجار السكن لهذا الشهر
form-description-too-long = الوصف طويل ({ $count ->
        [zero] { NUMBER($count, useGrouping: 0) } حرف
        [one] حرف واحد
        [two] حرفان
        [few] { NUMBER($count, useGrouping: 0) } أحرف
        [many] { NUMBER($count, useGrouping: 0) } حرفاً
       *[other] { NUMBER($count, useGrouping: 0) } حرف
    })، والحد { $max ->
        [zero] { NUMBER($max, useGrouping: 0) } حرف
        [one] حرف واحد
        [two] حرفان
        [few] { NUMBER($max, useGrouping: 0) } أحرف
        [many] { NUMBER($max, useGrouping: 0) } حرفاً
       *[other] { NUMBER($max, useGrouping: 0) } حرف
    }. اختصره لو سمحت، وتقدر ترفق المستندات في الخطوة التالية.

form-city-empty = اكتب اسم مدينتك أو اخترها من الأزرار. مثال: الرياض
form-city-invalid-chars = اكتب اسم المدينة بالحروف فقط، بدون أرقام أو رموز. مثال: الرياض
form-city-too-short = اسم المدينة قصير جداً؛ اكتبه كاملاً لو سمحت. مثال: الرياض
form-city-too-long = اسم المدينة طويل جداً (الحد { $max ->
        [zero] { NUMBER($max, useGrouping: 0) } حرف
        [one] حرف واحد
        [two] حرفان
        [few] { NUMBER($max, useGrouping: 0) } أحرف
        [many] { NUMBER($max, useGrouping: 0) } حرفاً
       *[other] { NUMBER($max, useGrouping: 0) } حرف
    })؛ اكتب اسم المدينة فقط. مثال: الرياض

## Pausing the form, and a needs-info request completed with a written reply.

complete-note-done = شكراً ✅ سجّلنا ردّك على طلبك { $reference } وسيطّلع عليه الموظف، وعاد طلبك للدراسة ({ $date }).
