## Dates: Hijri (Umm al-Qura) beside Gregorian. Numbers are plain so they read the same everywhere.

date-dual = { $weekday } { NUMBER($hday, useGrouping: 0) } { $hmonth } { NUMBER($hyear, useGrouping: 0) } هـ ({ NUMBER($gday, useGrouping: 0) } { $gmonth } { NUMBER($gyear, useGrouping: 0) } م)
time-of-day = { NUMBER($hour, useGrouping: 0) }:{ $minute } { $pm ->
        [true] مساءً
       *[false] صباحاً
    }
weekday-0 = الأحد
weekday-1 = الاثنين
weekday-2 = الثلاثاء
weekday-3 = الأربعاء
weekday-4 = الخميس
weekday-5 = الجمعة
weekday-6 = السبت
hijri-month-1 = محرم
hijri-month-2 = صفر
hijri-month-3 = ربيع الأول
hijri-month-4 = ربيع الآخر
hijri-month-5 = جمادى الأولى
hijri-month-6 = جمادى الآخرة
hijri-month-7 = رجب
hijri-month-8 = شعبان
hijri-month-9 = رمضان
hijri-month-10 = شوال
hijri-month-11 = ذو القعدة
hijri-month-12 = ذو الحجة
greg-month-1 = يناير
greg-month-2 = فبراير
greg-month-3 = مارس
greg-month-4 = أبريل
greg-month-5 = مايو
greg-month-6 = يونيو
greg-month-7 = يوليو
greg-month-8 = أغسطس
greg-month-9 = سبتمبر
greg-month-10 = أكتوبر
greg-month-11 = نوفمبر
greg-month-12 = ديسمبر
