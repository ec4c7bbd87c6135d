# Mean and std (months) of the RSNA training labels. The regression heads
# predict (age - age_mean) / age_std: a normalisation that keeps the
# regression well conditioned, not a prior (phantom and rsna100 configs use
# the same numbers). Model bases read them as {{_base_.age_mean}}.
age_mean = 127.
age_std = 41.
