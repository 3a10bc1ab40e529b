#include "service_state.h"

namespace dunghan::windows_service {

ServiceStateMachine::ServiceStateMachine(ServiceTimings timings) : timings_(timings) {}

Decision ServiceStateMachine::enter_pending(ServiceState state) {
  status_ = ServiceStatus{};
  status_.state = state;
  status_.checkpoint = 1;
  status_.wait_hint =
      state == ServiceState::start_pending ? timings_.start_wait_hint : timings_.stop_wait_hint;
  ticks_in_phase_ = 0;
  return Decision{status_};
}

Decision ServiceStateMachine::advance_pending() {
  ++status_.checkpoint;
  return Decision{status_};
}

Decision ServiceStateMachine::start_requested() {
  if (started_) return {};
  started_ = true;
  return enter_pending(ServiceState::start_pending);
}

Decision ServiceStateMachine::on_lifecycle(service::Lifecycle lifecycle) {
  if (!started_) return {};
  const ServiceState s = status_.state;
  switch (lifecycle) {
    case service::Lifecycle::starting:
      if (s == ServiceState::start_pending) return advance_pending();
      return {};
    case service::Lifecycle::running:
      if (s != ServiceState::start_pending) return {};
      status_ = ServiceStatus{};
      status_.state = ServiceState::running;
      status_.controls_accepted = kAcceptStop | kAcceptShutdown | kAcceptParamChange;
      return Decision{status_};
    case service::Lifecycle::reloading:
      return {};
    case service::Lifecycle::stopping:
    case service::Lifecycle::stopped:
      if (s == ServiceState::start_pending || s == ServiceState::running) {
        return enter_pending(ServiceState::stop_pending);
      }
      if (s == ServiceState::stop_pending) return advance_pending();
      return {};
  }
  return {};
}

Decision ServiceStateMachine::on_control(std::uint32_t control) {
  const ServiceState s = status_.state;
  switch (static_cast<ServiceControl>(control)) {
    case ServiceControl::stop:
    case ServiceControl::shutdown:
      if (started_ && (s == ServiceState::start_pending || s == ServiceState::running)) {
        Decision d = enter_pending(ServiceState::stop_pending);
        d.action = DaemonAction::request_stop;
        return d;
      }
      return {};
    case ServiceControl::paramchange:
      if (s == ServiceState::running) return Decision{std::nullopt, DaemonAction::request_reload};
      return {};
    case ServiceControl::interrogate:
      return Decision{status_};
  }
  return Decision{std::nullopt, DaemonAction::none, false};
}

Decision ServiceStateMachine::on_tick() {
  const ServiceState s = status_.state;
  if (s != ServiceState::start_pending && s != ServiceState::stop_pending) return {};
  const std::chrono::milliseconds budget =
      s == ServiceState::start_pending ? timings_.start_budget : timings_.stop_budget;
  if ((ticks_in_phase_ + 1) * timings_.tick_interval > budget) return {};
  ++ticks_in_phase_;
  return advance_pending();
}

Decision ServiceStateMachine::on_exit(int exit_code) {
  if (started_ && status_.state == ServiceState::stopped) return {};  // already reported
  started_ = true;  // nothing after STOPPED, even a late start_requested()
  status_ = ServiceStatus{};
  status_.state = ServiceState::stopped;
  if (exit_code != 0) {
    status_.win32_exit_code = kErrorServiceSpecificError;
    status_.service_exit_code = exit_code > 0 ? static_cast<std::uint32_t>(exit_code) : 1U;
  }
  return Decision{status_};
}

}  // namespace dunghan::windows_service
