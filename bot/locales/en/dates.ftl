date-dual = { $weekday } { NUMBER($hday, useGrouping: 0) } { $hmonth } { NUMBER($hyear, useGrouping: 0) } AH ({ NUMBER($gday, useGrouping: 0) } { $gmonth } { NUMBER($gyear, useGrouping: 0) })
time-of-day = { NUMBER($hour, useGrouping: 0) }:{ $minute } { $pm ->
        [true] pm
       *[false] am
    }
weekday-0 = Sunday
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
hijri-month-1 = Muharram
hijri-month-2 = Safar
hijri-month-3 = Rabi al-Awwal
hijri-month-4 = Rabi al-Akhir
hijri-month-5 = Jumada al-Ula
hijri-month-6 = Jumada al-Akhirah
hijri-month-7 = Rajab
hijri-month-8 = Shaban
hijri-month-9 = Ramadan
hijri-month-10 = Shawwal
hijri-month-11 = Dhu al-Qadah
hijri-month-12 = Dhu al-Hijjah
greg-month-1 = January
greg-month-2 = February
greg-month-3 = March
greg-month-4 = April
greg-month-5 = May
greg-month-6 = June
greg-month-7 = July
greg-month-8 = August
greg-month-9 = September
greg-month-10 = October
greg-month-11 = November
greg-month-12 = December
